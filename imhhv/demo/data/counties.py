"""The 46 Michigan counties of the statewide demo (`seed_demo --scale state`): the five
of the small demo first, then 41 more. The counties, area codes, towns and ZIP3 prefixes
are real; every agency in them is fictional."""

from imhhv.demo.data.organisation import COUNTIES, County


def _county(name: str, area_code: str, town: str, zip3: str) -> County:
    return County(name, area_code, ((town, zip3),))


STATE_COUNTIES = [
    *COUNTIES,
    _county("Wayne", "313", "Detroit", "482"),
    _county("Oakland", "248", "Pontiac", "483"),
    _county("Macomb", "586", "Mount Clemens", "480"),
    _county("Genesee", "810", "Flint", "485"),
    _county("Ingham", "517", "Lansing", "489"),
    _county("Ottawa", "616", "Holland", "494"),
    _county("Muskegon", "231", "Muskegon", "494"),
    _county("Berrien", "269", "Benton Harbor", "490"),
    _county("Calhoun", "269", "Battle Creek", "490"),
    _county("Jackson", "517", "Jackson", "492"),
    _county("Monroe", "734", "Monroe", "481"),
    _county("St. Clair", "810", "Port Huron", "480"),
    _county("Livingston", "517", "Howell", "488"),
    _county("Bay", "989", "Bay City", "487"),
    _county("Allegan", "269", "Allegan", "490"),
    _county("Eaton", "517", "Charlotte", "488"),
    _county("Lenawee", "517", "Adrian", "492"),
    _county("Midland", "989", "Midland", "486"),
    _county("Shiawassee", "989", "Owosso", "488"),
    _county("Lapeer", "810", "Lapeer", "484"),
    _county("Isabella", "989", "Mount Pleasant", "488"),
    _county("Van Buren", "269", "Paw Paw", "490"),
    _county("St. Joseph", "269", "Three Rivers", "490"),
    _county("Branch", "517", "Coldwater", "490"),
    _county("Hillsdale", "517", "Hillsdale", "492"),
    _county("Barry", "269", "Hastings", "490"),
    _county("Ionia", "616", "Ionia", "488"),
    _county("Montcalm", "989", "Stanton", "488"),
    _county("Newaygo", "231", "Fremont", "494"),
    _county("Mecosta", "231", "Big Rapids", "493"),
    _county("Grand Traverse", "231", "Traverse City", "496"),
    _county("Clinton", "517", "St. Johns", "488"),
    _county("Tuscola", "989", "Caro", "487"),
    _county("Sanilac", "810", "Sandusky", "484"),
    _county("Huron", "989", "Bad Axe", "484"),
    _county("Gratiot", "989", "Alma", "488"),
    _county("Delta", "906", "Escanaba", "498"),
    _county("Houghton", "906", "Houghton", "499"),
    _county("Chippewa", "906", "Sault Ste. Marie", "497"),
    _county("Alpena", "989", "Alpena", "497"),
    _county("Cass", "269", "Cassopolis", "490"),
]
assert len(STATE_COUNTIES) == 46 and len({c.name for c in STATE_COUNTIES}) == 46
