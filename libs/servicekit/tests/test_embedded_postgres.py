import asyncpg

from servicekit.pg_embedded import EmbeddedPostgres
from servicekit.testing import fresh_database


async def test_fresh_database_creates_an_empty_database(postgres_server_url: str) -> None:
    url = await fresh_database(postgres_server_url, "kit_scratch")
    dsn = url.replace("postgresql+asyncpg", "postgresql")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE TABLE t (x int)")
        await conn.execute("INSERT INTO t VALUES (1)")
    finally:
        await conn.close()
    await fresh_database(postgres_server_url, "kit_scratch")
    conn = await asyncpg.connect(dsn)
    try:
        tables = await conn.fetchval("SELECT count(*) FROM pg_tables WHERE tablename = 't'")
    finally:
        await conn.close()
    assert tables == 0


def test_a_second_start_on_the_same_data_dir_reuses_the_running_server() -> None:
    server = EmbeddedPostgres.temporary()
    try:
        first = server.start()
        again = EmbeddedPostgres(server.data_dir)
        assert again.start() == first
        assert server.psql("SELECT 1").strip() == "1"
        assert server.create_database("kit_demo").endswith("/kit_demo")
    finally:
        server.destroy()
