"""The workspace on a real SQLite file: create, seed, reopen, migrate, keep user data."""

from __future__ import annotations

import csv
import sqlite3

import pytest

from network.errors import DataError, WorkspaceError
from network.store import MIGRATIONS, SCHEMA_VERSION, Workspace


def test_created_seeded_and_in_wal_mode(workspace_path):
    with Workspace(workspace_path) as ws:
        counts = ws.counts()
        assert ws.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert ws.schema_version == SCHEMA_VERSION
    assert workspace_path.exists()
    assert counts["organisations"] >= 200 and counts["projects"] >= 25
    with Workspace(workspace_path) as again:  # reopening does not seed twice
        assert again.counts() == counts


def test_user_data_survives_restart_and_reseeding(workspace_path):
    with Workspace(workspace_path) as ws:
        org = ws.organisations()["id"].iloc[0]
        contact = ws.add_contact(org, "A. Person", role="Project manager", email="a@example.org")
        ws.add_note(org, "Met at the North Sea conference")
        ws.add_to_shortlist(org, name="hydrogen bid", lead=True)
        ws.set_location(org, 53.2, 6.56)
    with Workspace(workspace_path) as ws:
        ws.seed()
        ws.seed()
        contacts = ws.contacts(org)
        assert contacts["id"].tolist() == [contact]
        assert contacts["email"].tolist() == ["a@example.org"]
        assert ws.notes(org)["text"].tolist() == ["Met at the North Sea conference"]
        shortlist = ws.shortlist("hydrogen bid")
        assert shortlist["organisation_id"].tolist() == [org]
        assert shortlist["is_lead"].tolist() == [1]
        record = ws.organisation(org)
        assert (record["lat"], record["lon"], record["location_source"]) == (53.2, 6.56, "user")


def test_contacts_edit_and_delete(workspace):
    org = workspace.organisations()["id"].iloc[1]
    cid = workspace.add_contact(org, "B")
    workspace.update_contact(cid, phone="+31 50 000")
    assert workspace.contacts(org)["phone"].tolist() == ["+31 50 000"]
    workspace.delete_contact(cid)
    assert workspace.contacts(org).empty
    with pytest.raises(ValueError):
        workspace.add_contact(org, "  ")


def test_broken_package_leaves_workspace_unchanged(workspace, package_copy):
    before = workspace.counts()
    path = package_copy / "participations.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows.append(["nobody", rows[1][1], "partner", "", "https://example.org/x"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(DataError):
        workspace.seed(package_copy)
    assert workspace.counts() == before


def test_reseed_removes_rows_the_package_dropped_but_keeps_imports(workspace, package_copy):
    import pandas as pd

    workspace.write_tables(
        {
            "organisations": pd.DataFrame(
                [{"id": "imported-org", "name": "Imported", "type": "other", "country": "NL"}]
            )
        },
        origin="import:test",
    )
    path = package_copy / "contact_points.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows[:1])
    workspace.seed(package_copy)
    assert workspace.counts()["contact_points"] == 0
    assert "imported-org" in set(workspace.organisations()["id"])


def test_migrates_an_old_schema_and_refuses_a_newer_one(workspace_path):
    conn = sqlite3.connect(workspace_path)
    conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    conn.execute("INSERT INTO notes (organisation_id, text) VALUES ('x', 'kept')")
    conn.commit()
    conn.close()
    with Workspace(workspace_path, seed=False) as ws:
        assert ws.schema_version == SCHEMA_VERSION
        assert ws.notes("x")["text"].tolist() == ["kept"]
        ws.cache_put("k", 1.0, 2.0, "city", "gazetteer")
        assert ws.cache_get("k")["precision"] == "city"
    conn = sqlite3.connect(workspace_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(WorkspaceError, match="newer"):
        Workspace(workspace_path)


def test_schema_5_participations_gain_a_nullable_role_and_keep_their_rows(workspace_path):
    conn = sqlite3.connect(workspace_path)
    conn.executescript(";".join(MIGRATIONS[:5]) + "; PRAGMA user_version = 5;")
    conn.executescript(
        "INSERT INTO organisations (id, name, country, origin) VALUES ('a', 'A', 'DE', 'user');"
        "INSERT INTO organisations (id, name, country, origin) VALUES ('b', 'B', 'NL', 'user');"
        "INSERT INTO projects (id, acronym, origin) VALUES ('p', 'P', 'user');"
        "INSERT INTO participations VALUES ('a', 'p', 'lead', 1.5, 'https://x.example', 'user');"
        "INSERT INTO participations VALUES ('b', 'p', 'associated', NULL, NULL, 'bundled');"
    )
    with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
        conn.execute("INSERT INTO participations VALUES ('b', 'p', NULL, NULL, NULL, 'user')")
    conn.commit()
    conn.close()
    with Workspace(workspace_path, seed=False) as ws:
        assert ws.schema_version == SCHEMA_VERSION == 6
        rows = ws.conn.execute(
            "SELECT organisation_id, project_id, role, budget, source_url, origin "
            "FROM participations ORDER BY organisation_id"
        ).fetchall()
        assert [tuple(r) for r in rows] == [
            ("a", "p", "lead", 1.5, "https://x.example", "user"),
            ("b", "p", "associated", None, None, "bundled"),
        ]
        with ws.transaction() as tx:
            tx.execute("UPDATE participations SET role = NULL WHERE organisation_id = 'b'")
        assert ws.participations().set_index("organisation_id")["role"].isna().tolist() == [
            False,
            True,
        ]
        indexes = {r[1] for r in ws.conn.execute("PRAGMA index_list(participations)")}
        assert "participations_project" in indexes
        tables = {r[0] for r in ws.conn.execute("SELECT name FROM sqlite_master")}
        assert "participations_v6" not in tables
        assert ws.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert ws.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with ws.transaction() as tx:  # the foreign keys still hold: deleting cascades
            tx.execute("DELETE FROM organisations WHERE id = 'a'")
        assert ws.counts()["participations"] == 1


def test_not_a_workspace_file(tmp_path):
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(WorkspaceError):
        Workspace(path)


def test_missing_workspace_when_not_creating(tmp_path):
    with pytest.raises(WorkspaceError, match="no workspace"):
        Workspace(tmp_path / "absent.sqlite", create=False)


def test_workspace_path_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NSPE_WORKSPACE", str(tmp_path / "env.sqlite"))
    with Workspace(seed=False) as ws:
        assert ws.path == tmp_path / "env.sqlite"


def test_locating_again_with_nothing_new_keeps_the_network_version(workspace):
    from network.locations import locate_workspace

    with workspace.transaction() as conn:  # one organisation no gazetteer can place
        conn.execute(
            "UPDATE organisations SET lat = NULL, lon = NULL, city = NULL, country = 'XX'"
            " WHERE id = 'stichting-energy-valley-nl'"
        )
    locate_workspace(workspace)
    before = workspace.network_version()
    locate_workspace(workspace)
    assert workspace.network_version() == before
