# Production image: gunicorn serves Digiplan, whitenoise its static files.
# docker build -t digiplan . && docker run -e SECRET_KEY=... -e DATABASE_URL=postgres://... \
#   -e ALLOWED_HOSTS=digiplan.example.se -p 8000:8000 digiplan
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH DEBUG=False

RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* && pip install --no-cache-dir uv

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN python manage.py compilemessages --ignore=.venv \
    && SECRET_KEY=build-only python manage.py collectstatic --no-input \
    && useradd --system --uid 1000 digiplan
USER digiplan
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --no-input && gunicorn digiplan.wsgi --bind 0.0.0.0:8000 --workers ${WEB_WORKERS:-3} --access-logfile -"]
