"""The one place that reads the environment (and `.env`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

EmbeddingBackend = Literal["wordllama", "sentence-transformers", "openai"]


class Settings(BaseSettings):
    """Every setting Advisor has. Read once at start-up and passed down."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        case_sensitive=False,
    )

    # Where things live
    knowledge_dir: Path = Field(Path("knowledge"), description="Markdown/txt knowledge folder")
    data_dir: Path = Field(Path(".advisor"), description="Local state: SQLite file, Chroma index")

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
    embedding_backend: EmbeddingBackend = "wordllama"
    embedding_model: str | None = Field(None, description="Model name for the chosen backend")
    retrieval_k: int = Field(4, ge=1, le=20)

    # Optional LLM that rephrases retrieved text: any init_chat_model id, e.g. openai:gpt-4o-mini
    llm_model: str | None = None
    llm_timeout_s: float = Field(20.0, gt=0)
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
