from tests.fixtures.redis_server import redis_url  # noqa: F401  (registers the fixture)
