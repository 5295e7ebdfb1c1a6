# newstrace: `make demo` sets everything up and runs the main job on the bundled corpus; `make test` runs the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= newstrace.db
STAMP := $(VENV)/.installed

.PHONY: demo test install clean bench readme

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/newstrace ingest examples/corpus --db $(DB)
	$(BIN)/newstrace report --db $(DB)
	@echo "The commands live in $(BIN)/ (run 'source $(BIN)/activate' first, or call $(BIN)/newstrace)."

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/extraction.py ../shared/data/dev/extraction
	$(BIN)/python benchmarks/throughput.py ../shared/data/corpora/voa/voa_stories.jsonl

# regenerate README.md's sample outputs from a fresh demo store (scripts/readme_samples.py; a test checks them)
readme: $(STAMP)
	$(BIN)/python scripts/readme_samples.py

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
