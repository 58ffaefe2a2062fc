"""Search benchmark: tantivy vs SQLite FTS5 on a synthetic 电子卷宗 corpus."""
