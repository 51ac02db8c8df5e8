# Production image: gunicorn serves Digiplan, whitenoise its static files; the database is
# migrated each time the container starts.
#
#   docker build -t digiplan .
#   docker run -e SECRET_KEY=... -e DATABASE_URL=postgres://... -e ALLOWED_HOSTS=digiplan.example.se \
#       -p 8000:8000 digiplan
#
# The worker (e-mail, report archives: the task queue) is the same image with another command,
# run beside it with the same environment; the daily purge commands likewise (README, "Commands"):
#
#   docker run -e SECRET_KEY=... -e DATABASE_URL=postgres://... digiplan python manage.py db_worker
#
# compose.yaml runs PostgreSQL, the web server and the worker together (docs/operations.md).
FROM python:3.13-slim-bookworm

# uv installs from the committed lock into /opt/venv and never downloads a Python: the image's
# own 3.13 is used, as `make install` uses one found on the machine.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/opt/venv UV_COMPILE_BYTECODE=1 UV_NO_CACHE=1 \
    PATH=/opt/venv/bin:$PATH DEBUG=False

# gettext compiles the translations; WeasyPrint draws the PDFs with Pango and HarfBuzz
# (its documented Debian packages) in DejaVu Sans, the font the PDF templates ask for.
# fontconfig's own package builds the font cache into the image: without it each process
# scans the fonts again and, running as a user without a home, cannot keep a cache.
# uv is the version that wrote uv.lock.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir --root-user-action=ignore "uv==0.13.9"

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --python /usr/local/bin/python3
COPY . .
RUN python manage.py compilemessages --ignore=.venv -v 0 \
    && SECRET_KEY=build-only python manage.py collectstatic --no-input -v 0 \
    && useradd --system --uid 1000 --no-create-home digiplan
USER digiplan
EXPOSE 8000
# Every command of the image (the web server, the worker, the purges) refuses to start without
# its own SECRET_KEY, rather than run on the public development key the settings fall back to,
# and without DATABASE_URL, rather than keep the data in a SQLite file inside the container.
ENTRYPOINT ["sh", "-c", ": \"${SECRET_KEY:?SECRET_KEY must be set}\" \"${DATABASE_URL:?DATABASE_URL must be set}\"; exec \"$@\"", "digiplan"]
# /healthz: the database answers, migrations are applied, a worker beats (docs/operations.md).
# Answered before the host check and the HTTPS redirect, so a probe by address over HTTP works.
HEALTHCHECK --interval=15s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=5)"]
# The settings must pass check --deploy, as with `make serve`. exec: gunicorn gets the
# container's stop signal. gunicorn's access log stays off: digiplan.requests logs each request
# with the URL pattern, never a staff member's answering link (/svar/<token>/), and no user id
# on the answering pages (docs/privacy.md, "Logs"); LOG_FORMAT=json makes it JSON lines.
CMD ["sh", "-c", "python manage.py check --deploy --fail-level WARNING && python manage.py migrate --no-input && exec gunicorn digiplan.wsgi --bind 0.0.0.0:8000 --workers ${WEB_WORKERS:-3} --worker-tmp-dir /dev/shm --no-control-socket"]
