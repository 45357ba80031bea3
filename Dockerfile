# The ekslab command line in a container: the slim core (no JupyterLab), for CI jobs and scheduled scans.
#   docker build -t ekslab .
#   docker run --rm ekslab findings sample --allow-partial
#   docker run --rm -v "$PWD:/work" -v "$HOME/.aws:/home/ekslab/.aws:ro" ekslab scan --regions all -o /work/fleet.json.gz
# tests/test_container.py builds and runs it where a container tool answers (README.md, "In a container").
FROM python:3.12-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY ekslab ./ekslab
COPY data ./data
COPY notebooks ./notebooks
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels && useradd --create-home --uid 10001 ekslab
USER ekslab
WORKDIR /work
ENTRYPOINT ["ekslab"]
CMD ["--help"]
