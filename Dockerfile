# sqs-router image: docker build -t sqs-router:0.1.0 .
# Base images are pinned to a release tag so that a rebuild gets the same JDK; bump them deliberately.
# DockerImageIT checks this file without a Docker engine: it runs the build stage's lines on the context .dockerignore
# leaves, lays out /app as the COPY lines say and starts the ENTRYPOINT against emulators. It knows the instructions
# and forms used here (src/test/java/dev/sqsrouter/deploy/Dockerfile.java), and fails on any other.

# --- build ------------------------------------------------------------------------------------------------------
FROM maven:3.9.11-eclipse-temurin-25 AS build
WORKDIR /build

# dependencies and plugins first, by running the build below on the pom alone: this layer is reused until pom.xml
# changes, and it holds what that build uses (dependency:go-offline also fetched plugins the build never runs)
COPY pom.xml ./
RUN mvn -B -q -Dmaven.test.skip=true -DincludeScope=runtime -DoutputDirectory=target/lib package dependency:copy-dependencies

COPY src ./src
# the jar's packaged defaults (the pom packages the top-level file)
COPY application.properties ./
# the thin jar, which the shade plugin leaves as target/original-sqs-router.jar, and its runtime dependencies in
# target/lib. The tests are not compiled here (mvn verify runs them)
RUN mvn -B -q -Dmaven.test.skip=true -DincludeScope=runtime -DoutputDirectory=target/lib package dependency:copy-dependencies

# --- runtime ----------------------------------------------------------------------------------------------------
FROM eclipse-temurin:25.0.3_9-jre-noble

# a fixed numeric id, so that orchestrators can check that the image does not run as root
RUN groupadd --system --gid 10001 sqs-router \
 && useradd --system --uid 10001 --gid sqs-router --no-create-home --shell /usr/sbin/nologin sqs-router

WORKDIR /app
# dependencies before the app: they change less often, so most rebuilds ship only the small top layers.
# Files stay owned by root: the app can read its code, not change it.
COPY --from=build /build/target/lib/ ./lib/
COPY --from=build /build/target/original-sqs-router.jar ./app.jar
# the routes and the default configuration ship inside app.jar: mount /app/routes/<name>.yaml to replace a packaged
# route file or add one, and /app/application.properties (or set environment variables) to configure the deployment
RUN mkdir -p logs cache && chown sqs-router:sqs-router logs cache

USER 10001:10001
# the ingress and admin HTTP server
EXPOSE 8080
# the management port (health, metrics) on every address of the container, so that probes and scrapers reach it
# (outside a container it stays on the loopback); publish it only where they need it: -p 127.0.0.1:9876:9876
EXPOSE 9876
ENV MANAGEMENT_HOST=0.0.0.0
# heap relative to the container's memory limit; an out-of-memory JVM exits so that the orchestrator restarts it. The
# serial collector keeps the resident memory near 300 MB under load; the class data archive (written at a container's
# first stop, read when that container starts again) halves the start-up
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=/app/cache/sqs-router.jsa"
# the classpath wildcard is expanded by java itself; arguments are passed on (e.g. "provision")
ENTRYPOINT ["java", "-cp", "app.jar:lib/*", "dev.sqsrouter.Application"]
