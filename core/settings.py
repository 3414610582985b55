from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

_DEV_SECRET = "yiwang-dev-only-secret-do-not-use-in-production"


class Settings(BaseSettings):
    """Every setting comes from a `YIWANG_*` environment variable (see the README)."""

    model_config = SettingsConfigDict(env_prefix="YIWANG_", frozen=True, extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/yiwang.db"
    debug: bool = False
    secret_key: SecretStr = SecretStr("")
    host: str = "127.0.0.1"
    port: int = 8000
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    login_max_failures: int = Field(default=5, ge=1)
    login_lock_minutes: int = Field(default=15, ge=1)
    max_page_size: int = Field(default=100, ge=1, le=1000)
    max_query_depth: int = Field(default=12, ge=2)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=5000, ge=100)
    log_level: str = "INFO"
    workers: int = Field(default=1, ge=1, le=64)
    media_dir: Path = Path("var/media")
    max_image_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    # At most Pillow's own MAX_IMAGE_PIXELS: above it Pillow warns, and we treat that as an error.
    max_image_pixels: int = Field(default=40_000_000, ge=1, le=89_478_485)
    min_image_side: int = Field(default=200, ge=1)
    # 公务卡 payments through Stripe: off unless a key is set; the webhook secret verifies events.
    stripe_api_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    # Where the CJK font for contract PDFs lives (`make fonts` puts it there).
    font_dir: Path = Path("var/fonts")
    # Search: the embedded SQL full-text index unless a Meilisearch URL is given.
    meili_url: str | None = None
    meili_api_key: SecretStr | None = None
    meili_index: str = "offers"
    # The outbox dispatcher (search index, supervision): each server process runs it unless
    # turned off for separate `yiwang worker` processes; it rests this long when idle.
    dispatch_in_process: bool = True
    dispatch_idle_seconds: float = Field(default=0.2, gt=0, le=60)
    # How often each server process runs supervision's scheduled pass (事后分析); 0: never (run
    # `yiwang supervise` from cron instead).
    supervision_sweep_interval_seconds: float = Field(default=3600, ge=0)
    # Partners' API keys: requests a second each key may make (per server process), and the
    # burst it may spend at once; a key may carry its own rate.
    partner_requests_per_second: float = Field(default=50, gt=0, le=10_000)
    partner_burst: int = Field(default=100, ge=1, le=100_000)
    # OCDS open data: the ocid prefix (not yet registered with the Open Contracting
    # Partnership) and the techniques extension the releases use.
    ocds_ocid_prefix: str = "ocds-yiwang"
    ocds_techniques_extension_url: str = (
        "https://raw.githubusercontent.com/open-contracting-extensions/"
        "ocds_techniques_extension/master/extension.json"
    )

    def require_signing_key(self) -> None:
        """Serving outside debug mode without a secret would sign tokens with a public key."""
        if not self.secret_key.get_secret_value() and not self.debug:
            raise SystemExit(
                "YIWANG_SECRET_KEY 必须设置 (set it, or YIWANG_DEBUG=1 for development)"
            )

    @property
    def signing_key(self) -> str:
        return self.secret_key.get_secret_value() or _DEV_SECRET

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
