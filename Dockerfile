# Two stages: build the runnable jar with Maven, run it on a JRE as a non-root user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY router router
COPY verticles verticles
COPY conf conf
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 edoc && useradd --system --uid 10001 --gid edoc --home-dir /app edoc
WORKDIR /app
COPY --from=build /src/verticles/target/edoc-axis.jar /app/edoc-axis.jar
COPY conf /app/conf
RUN mkdir -p /app/var && chown -R edoc:edoc /app/var
USER edoc
# In a container the ops port must be reachable by Prometheus; keep it off public networks.
ENV EDOC_OPS_HOST=0.0.0.0
EXPOSE 8443 9090
VOLUME ["/app/var"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-Dlogback.configurationFile=/app/conf/logback.xml", "-jar", "/app/edoc-axis.jar", "run", "--config", "/app/conf/router.conf"]
