# The two commands of the README, plus lint and bench.
.PHONY: run test test-fast lint bench demo-files

run:
	bash scripts/setup.sh
	.venv/bin/casefile serve

test:
	bash scripts/setup.sh --dev --paddle
	bash scripts/services.sh
	.venv/bin/python -m pytest -m "not paddle"
	.venv-paddle/bin/python -m pytest -m paddle -p no:cacheprovider

# The inner loop: no real services, browsers, PaddlePaddle or slow tests (CI runs them all).
test-fast:
	.venv/bin/python -m pytest -q -m "not slow and not integration and not paddle"

lint:
	.venv/bin/ruff check .
	.venv/bin/mypy

bench:
	.venv/bin/python -m bench.e2e.run

demo-files:
	.venv/bin/python scripts/build_demo.py
