# syntax=docker/dockerfile:1
# One image for every process of the platform: web (gunicorn), migrate, Celery worker, Celery beat.
# docker-compose.yml shows how they are put together.
FROM python:3.11-slim

# PYTHONPATH=/app: the processes import the project from /app (where BASE_DIR finds templates/,
# static/ and locale/), not the copy that `pip install .` also puts in site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    WEB_CONCURRENCY=3

# fonts-noto-cjk: Japanese glyphs for the printed (PDF) documents.
# gettext: compilemessages, so that the .mo catalogues are built here rather than committed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 sks \
    && useradd --system --uid 1000 --gid sks --home-dir /app --no-create-home --shell /usr/sbin/nologin sks

WORKDIR /app

# The files are listed one by one rather than `COPY . .`: a developer's .env (secrets), .venv and var/
# (SQLite database, uploads) must never end up in the image. README.m[d] is a wildcard so that the build
# does not fail while the README does not exist yet.
COPY pyproject.toml constraints.txt README.m[d] ./
COPY sks/ sks/
COPY participants/ participants/
COPY events/ events/
COPY matching/ matching/
COPY alumni/ alumni/
RUN pip install -c constraints.txt . \
    && rm -rf build ./*.egg-info

COPY manage.py ./
COPY templates/ templates/
COPY static/ static/
COPY locale/ locale/

# settings.py refuses to start in production without SECRET_KEY, ALLOWED_HOSTS and REDIS_URL. These
# dummies exist for this one command only (they are not ENV, so they are not in the image). It runs as
# production so that the hashed-name manifest that production's static storage needs is written;
# nothing connects to Redis or the database.
RUN DJANGO_ENV=production \
    SECRET_KEY=build-time-dummy-not-used-at-runtime \
    ALLOWED_HOSTS=build.invalid \
    REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput \
    && python manage.py compilemessages \
    && mkdir -p var/media \
    && chown -R sks:sks var

USER sks

EXPOSE 8000

CMD ["gunicorn", "sks.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
