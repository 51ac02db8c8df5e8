"""A person's data: downloaded and erased by the huvudman's strategists; one's own by anyone."""

LOGIN = "login-redirect"
STRATEGIST_ONLY = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 403,
    "leader_b": 403,
    "staff": 403,
    "other_strategist": 404,
}
EVERYONE = {
    "anonymous": LOGIN,
    "strategist": 200,
    "leader_a": 200,
    "leader_b": 200,
    "staff": 200,
    "other_strategist": 200,
}

EXPECTED = {
    "person_data_export": (lambda w: {"pk": w.staff.pk}, STRATEGIST_ONLY),
    "person_erase": (lambda w: {"pk": w.staff.pk}, STRATEGIST_ONLY),
    "my_data_export": (None, EVERYONE),
}
