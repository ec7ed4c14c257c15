"""fibrochat: answers questions about fibromyalgia by quoting curated sources, never by inventing."""

from __future__ import annotations

from .conversation import Conversation
from .engine import Chatbot
from .errors import ContentError, FibrochatError
from .model import Citation, Reply

__version__ = "0.1.0"
__all__ = ["Chatbot", "Citation", "ContentError", "Conversation", "FibrochatError", "Reply", "__version__"]
