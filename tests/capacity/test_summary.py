from approxbounds.capacity import Architecture, capacity_bounds


def test_all_bounds_listed():
    bs = capacity_bounds(Architecture.parse("1,10,1", bits=2, quantize="all"), N=1000)
    qs = {b.quantity for b in bs}
    assert qs == {"vcdim", "pdim", "log2_size", "log2_growth"}
    assert {b.tag for b in bs} == {"V", "P", "R"}
    methods = [b.method for b in bs]
    assert "bhlm2019_thm7" in methods and "bartlett_maiorov_meir1998" in methods
