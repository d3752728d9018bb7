from alembic import context

from delivery.config import Settings
from delivery.models import Base
from servicekit.database import async_url
from servicekit.migrations import run_env

# `alembic` run by hand (make revision) has no URL in alembic.ini: take DELIVERY_DATABASE_URL.
_config = context.config
if "connection" not in _config.attributes and not _config.get_main_option("sqlalchemy.url"):
    _url = Settings().database_url
    if _url:
        _config.set_main_option("sqlalchemy.url", async_url(_url).replace("%", "%%"))

run_env(Base.metadata)
