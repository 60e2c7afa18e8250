# Two commands from a fresh clone: `make run` and `make test`. Everything else is installed here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test check lint typecheck bench bench-startup bench-scale snapshots docs clean fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,scale]'
	@# bytecode up front: an editable install is not precompiled, and PYTHONDONTWRITEBYTECODE may be set
	$(BIN)/python -m compileall -q xzcalc
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/xzcalc calc data/examples/xinzhou_manufacturer.toml

test: $(STAMP)
	$(BIN)/python -m pytest

check: $(STAMP) lint typecheck

lint: $(STAMP)
	$(BIN)/ruff check xzcalc tests tools bench
	$(BIN)/ruff format --check xzcalc tests tools bench

typecheck: $(STAMP)
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/python tools/gen_docs.py

# tests/snapshots/: every bundled example (json, table, csv, toml; zh and en), a reform, compare, explain, policies and
# batch, each made by the command line, so any change of output shows as a reviewable diff (tests compare byte for byte)
snapshots: $(STAMP)
	$(BIN)/python tools/snapshots.py

bench-startup: $(STAMP)
	$(BIN)/python bench/startup.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

# the batch benchmark: floor vs xzcalc batch (the row and the columnar path once `--evaluator` exists) on N generated
# enterprises of both mixes (today's and a bureau's; MIX=today or MIX=bureau for one), each run REPEAT times in turn
# and the best of each kept (this shared VM varies by ±20% from run to run) — make bench N=1000000 REPEAT=1
N ?= 200000
REPEAT ?= 3
bench: $(STAMP)
	$(BIN)/python bench/run.py --n $(N) --repeat $(REPEAT)$(if $(MIX), --mix $(MIX))

# the scaling benchmark (docs/scale.md): 1,000,000 generated enterprises (N= on the command line for fewer) through
# the local pool with --jobs 1 and 2 and a Dask LocalCluster with 1 and 2 workers; rows/s and the speed-up
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py --n $(if $(filter command line,$(origin N)),$(N),1000000)

# the fuzz suite of every door with many more examples than `make test` runs: FUZZ_EXAMPLES per test of the profile,
# --set and reform doors (tests/test_fuzz_doors.py), FUZZ generated files for the batch door (tests/test_fuzz_batch.py,
# and as many byte streams and lines, FUZZ/100 command runs); hypothesis prints how many inputs each test tried
FUZZ_EXAMPLES ?= 3000
FUZZ ?= 10000
fuzz: $(STAMP)
	XZCALC_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) XZCALC_FUZZ=$(FUZZ) $(BIN)/python -m pytest -s -q -p no:cacheprovider \
		-o addopts="" tests/test_fuzz_doors.py tests/test_fuzz_batch.py --hypothesis-show-statistics
