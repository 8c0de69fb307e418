# entitle as a container image: `docker build -t entitle .`, then check a mounted folder:
#
#   docker run --rm -v "$PWD:/work" entitle check .
#   docker run --rm -v "$PWD:/work" --user 10001:10001 entitle check . --format sarif --output entitle.sarif
#
# or serve checks and admission reviews (deploy/kubernetes/ runs it so, with TLS):
#
#   docker run --rm -p 8080:8080 -e ENTITLE_LISTEN=0.0.0.0:8080 entitle serve
#
# Stage 1 builds one static release binary (glibc linked in with `crt-static`; the
# built-in policies and catalog are compiled in). Stage 2 is distroless: no shell, no
# package manager, no libc, only the binary and the policy cache, run as an unprivileged
# user whose cache is filled once, at build time.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
# `--target` keeps `crt-static` off build scripts and proc macros; host/build.rs builds
# the wasm policies with RUSTFLAGS cleared.
RUN rustup target add wasm32-unknown-unknown \
 && RUSTFLAGS="-C target-feature=+crt-static" \
    cargo install --locked --path host --root /out --target "$(uname -m)-unknown-linux-gnu" \
 && install -d -m 0700 -o 10001 -g 10001 /out/cache

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/bin/entitle /usr/local/bin/entitle
COPY --from=build /src/examples/azure-rhel7-payg.json /usr/share/entitle/warm-up.json
COPY --from=build --chown=10001:10001 /out/cache /var/cache/entitle
# A private cache (0700, owned by the user below): entitle refuses one others can write.
ENV ENTITLE_CACHE_DIR=/var/cache/entitle
USER 10001:10001
# Compile the built-in policies (and their prepared snapshots) into the cache once, so
# every container starts warm, also on a read-only root filesystem. `--fail-on never`:
# the sample has findings; an error still fails the build (exit 2).
RUN ["/usr/local/bin/entitle", "check", "--fail-on", "never", "--quiet", "/usr/share/entitle/warm-up.json"]
WORKDIR /work
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/entitle"]
CMD ["check", "."]
