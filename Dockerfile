# One image for every process: web (gunicorn, the default command), the Celery worker, Celery
# beat and the one-off migrate job. docker-compose.yml picks the command for each.
#
#   docker build -t codesign .
#
# There is no HEALTHCHECK here on purpose: the worker and beat run this same image and serve no
# HTTP, so the web health check lives in docker-compose.yml on the web service only.
FROM python:3.12-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/app/var/media

WORKDIR /app

# The processes run as this user. A fixed uid/gid keeps volume ownership the same across rebuilds.
RUN groupadd --system --gid 10001 codesign \
    && useradd --system --uid 10001 --gid codesign --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin codesign

# Dependencies first, so a code change does not reinstall them. Every version is pinned and
# psycopg2-binary brings its own libpq, so nothing has to be compiled.
COPY requirements.txt .
RUN pip install -r requirements.txt

# The code stays owned by root: the app user can read it but not change it.
COPY . .

# Static files are collected (and compressed and hashed by WhiteNoise) into /app/staticfiles at
# build time. Settings refuse to load without SECRET_KEY when DEBUG is false, so a throwaway key
# is given for this one command; it is not kept in the image. Importing the settings creates
# folders under /app/var; they are thrown away and /app/var is made again for the app user, with
# media/ inside it so a named volume mounted there starts out owned by that user too.
RUN DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && rm -rf /app/var \
    && mkdir -p /app/var/media \
    && chown -R codesign:codesign /app/var

USER codesign

EXPOSE 8000

# GUNICORN_WORKERS sets the number of worker processes (default 3; about 2 x CPU cores + 1 is the
# usual ceiling), GUNICORN_THREADS the threads in each (default 4: while one waits on
# PostgreSQL or Redis another works, and connections are kept alive; `make bench` measures
# this set-up). Any other gunicorn option can be given in GUNICORN_CMD_ARGS. exec makes
# gunicorn the main process, so `docker stop` shuts it down gracefully.
CMD ["sh", "-c", "exec gunicorn codesign.wsgi:application --bind 0.0.0.0:8000 --workers \"${GUNICORN_WORKERS:-3}\" --worker-class gthread --threads \"${GUNICORN_THREADS:-4}\" --worker-tmp-dir /dev/shm --access-logfile - --error-logfile -"]
