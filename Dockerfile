# entitle as a container image: `docker build -t entitle .`, then check a mounted folder:
#
#   docker run --rm -v "$PWD:/work" entitle check .
#   docker run --rm -v "$PWD:/work" --user "$(id -u):$(id -g)" entitle check . --format sarif --output entitle.sarif
#
# or serve checks and admission reviews (deploy/kubernetes/ runs it so, with TLS):
#
#   docker run --rm -p 8080:8080 -e ENTITLE_LISTEN=0.0.0.0:8080 entitle serve
#
# Stage 1 builds the release binary (built-in policies and catalog are compiled in);
# stage 2 is a small runtime image with only the binary, run as an unprivileged user.

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN rustup target add wasm32-unknown-unknown \
 && cargo install --locked --path host --root /out

FROM debian:bookworm-slim
COPY --from=build /out/bin/entitle /usr/local/bin/entitle
COPY --from=build /src/examples/azure-rhel7-payg.json /usr/share/entitle/warm-up.json
RUN useradd --create-home --uid 10001 entitle
USER entitle
# Compile the built-in policies into the user's cache once, at build time (exit 1: the
# sample has findings); a run as another user compiles into its own private cache.
RUN entitle check /usr/share/entitle/warm-up.json > /dev/null || [ "$?" -eq 1 ]
WORKDIR /work
EXPOSE 8443
ENTRYPOINT ["entitle"]
CMD ["check", "."]
