def test_certificate_grid(by_name):
    (r,) = by_name["certificates"]
    assert r.passed, r.numbers
    assert r.numbers["failures"] == 0 and r.numbers["no_certificate"] == 0
    assert r.numbers["certificates"] == 12 * 4 * 4
    assert set(r.numbers["theorems"]) == set("CDLPS")
