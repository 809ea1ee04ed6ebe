"""The privacy notice says what the portal records about signing in and about the survey's
session and storage (issue 11, points 2, 3 and 7)."""


def test_the_privacy_notice_says_what_sign_ins_record_and_for_how_long(client, db):
    page = client.get("/privacy/").content.decode()
    assert "successful sign-ins with the time, the network address and the browser" in page
    assert "failed attempts with the same details. Both are deleted after 30 days" in page


def test_the_privacy_notice_says_answers_wait_and_are_written_in_batches(client, db):
    page = client.get("/privacy/").content.decode()
    assert "kept apart from the session of anyone signed in" in page
    assert "written together with at least as many other people" in page
