"""The one source of configuration: environment variables (prefix DALEEL_) with defaults."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DALEEL_", env_file=".env", extra="ignore")

    environment: str = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'daleel.db'}"
    rasa_url: str = "http://127.0.0.1:5005"
    scorer_path: Path = ROOT.parent / "shared" / "eval" / "score_route.py"
    conversation_salt: str = "daleel-dev-salt"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
