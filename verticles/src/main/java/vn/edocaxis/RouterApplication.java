package vn.edocaxis;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.VertxThreadFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.config.ConfigError;
import vn.edocaxis.config.RouterConfig;
import vn.edocaxis.config.KeyMaterial;
import vn.edocaxis.edxml.XmlLimits;
import vn.edocaxis.http.ApiRoutes;
import vn.edocaxis.http.FailureHandler;
import vn.edocaxis.routing.CallerResolver;
import vn.edocaxis.service.DeliveryService;
import vn.edocaxis.service.DeliveryWakeups;
import vn.edocaxis.service.IntakeLimits;
import vn.edocaxis.service.IntakeService;
import vn.edocaxis.service.AuditService;
import vn.edocaxis.service.PushService;
import vn.edocaxis.service.SentService;
import vn.edocaxis.service.StatsService;
import vn.edocaxis.store.AuditRepository;
import vn.edocaxis.store.SentRepository;
import vn.edocaxis.store.StatsRepository;
import vn.edocaxis.store.PushRepository;
import vn.edocaxis.service.ReceiptSigner;
import vn.edocaxis.signature.TrustStoreValidator;
import vn.edocaxis.store.GroupCommitter;
import vn.edocaxis.service.Registry;
import vn.edocaxis.service.RegistryService;
import vn.edocaxis.store.AnsweringPool;
import vn.edocaxis.store.DeliveryRepository;
import vn.edocaxis.store.DocumentRepository;
import vn.edocaxis.store.Migrations;
import vn.edocaxis.store.RegistryRepository;
import vn.edocaxis.verticles.ApiVerticle;
import vn.edocaxis.verticles.NotificationVerticle;
import vn.edocaxis.verticles.HousekeepingVerticle;
import vn.edocaxis.verticles.PushVerticle;
import vn.edocaxis.verticles.OpsVerticle;

/**
 * The router assembled from its configuration: TLS material, database (embedded or external),
 * schema migration, Vert.x with Prometheus metrics, services, and the API and ops servers.
 * {@link #start} blocks until everything listens, or fails loudly; {@link #close} stops it all.
 */
public final class RouterApplication implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouterApplication.class);

    /**
     * Response times and the group committer's times get fixed histogram buckets, so that
     * Prometheus can compute quantiles across nodes (histogram_quantile over
     * vertx_http_server_response_time_seconds_bucket) at a dozen series per route and code.
     */
    private static final java.util.Set<String> TIMED = java.util.Set.of("vertx.http.server.response.time",
            "edoc.group.commit.batch", "edoc.group.commit.wait");
    private static final MeterFilter LATENCY_BUCKETS = new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            if (!TIMED.contains(id.getName())) {
                return config;
            }
            double[] seconds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
            double[] nanos = new double[seconds.length];
            for (int i = 0; i < seconds.length; i++) {
                nanos[i] = seconds[i] * 1e9;
            }
            return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
        }
    };

    private final Vertx vertx;
    private final EmbeddedDatabase embedded;
    private final KeyMaterial tls;
    private final String engine;
    private final int apiPort;
    private final int opsPort;
    private final RegistryService registry;
    private final EventLoopGroup commitLoop;
    private final String apiDeployment;
    private final Duration shutdownGrace;
    private final AtomicBoolean stopping;

    private RouterApplication(Vertx vertx, EventLoopGroup commitLoop, EmbeddedDatabase embedded, KeyMaterial tls, String engine,
                              int apiPort, int opsPort, RegistryService registry, String apiDeployment, Duration shutdownGrace,
                              AtomicBoolean stopping) {
        this.stopping = stopping;
        this.apiDeployment = apiDeployment;
        this.shutdownGrace = shutdownGrace;
        this.vertx = vertx;
        this.commitLoop = commitLoop;
        this.embedded = embedded;
        this.tls = tls;
        this.engine = engine;
        this.apiPort = apiPort;
        this.opsPort = opsPort;
        this.registry = registry;
    }

    public static RouterApplication start(RouterConfig config) throws Exception {
        KeyMaterial keys = KeyMaterial.resolve(config, DemoDirectory.systemIds());
        SSLEngineOptions sslEngine = sslEngine(config.tls().engine());
        String engineName = sslEngine instanceof OpenSSLEngineOptions ? OpenSsl.versionString() + " (netty-tcnative)" : "JDK";

        EmbeddedDatabase embedded = null;
        String url = config.database().url();
        if (config.database().embedded()) {
            embedded = EmbeddedDatabase.start(config.database().embeddedDir(), config.database().embeddedPort());
            url = embedded.url();
            LOG.info("embedded PostgreSQL on port {}, data in {}", embedded.port(), config.database().embeddedDir().toAbsolutePath());
        }
        Vertx vertx = null;
        EventLoopGroup commitLoop = null;
        try {
            PgConnectOptions connect = PgConnectOptions.fromUri(url.replaceFirst("^postgres://", "postgresql://"))
                    .setUser(config.database().user()).setPassword(config.database().password())
                    .setCachePreparedStatements(true).setPipeliningLimit(256);
            String jdbc = "jdbc:postgresql://" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
            var migrated = Migrations.migrate(jdbc, connect.getUser(), connect.getPassword());
            LOG.info("database {}: {} migration(s) applied", jdbc, migrated.migrationsExecuted);

            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            metrics.config().meterFilter(LATENCY_BUCKETS);
            new ClassLoaderMetrics().bindTo(metrics);
            new JvmMemoryMetrics().bindTo(metrics);
            new JvmGcMetrics().bindTo(metrics);
            new JvmCompilationMetrics().bindTo(metrics);
            new JvmThreadMetrics().bindTo(metrics);
            new ProcessorMetrics().bindTo(metrics);
            new UptimeMetrics().bindTo(metrics);
            MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions().setEnabled(true)
                    .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME,
                            Label.CLIENT_NAME, Label.NAMESPACE))
                    // raw TCP metrics of the database connections add nothing to the pool and SQL client metrics
                    .setDisabledMetricsCategories(Set.of(MetricsDomain.NET_CLIENT.toCategory(), MetricsDomain.EVENT_BUS.toCategory()));
            vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(metricsOptions).setPreferNativeTransport(true))
                    .withMetrics(new MicrometerMetricsFactory(metrics)).build();
            if (vertx.isNativeTransportEnabled()) {
                LOG.info("network transport: native (epoll)");
            } else {
                LOG.warn("network transport: Java NIO, the native one is unavailable: {}", String.valueOf(vertx.unavailableNativeTransportCause()));
            }

            // No connection-wait timer (connectionTimeout 0): in Vert.x SQL client 5.0.10 the timer of a
            // waiter already served can still fire ("Promise already completed" in
            // SqlConnectionPool$1PoolRequest), and once under load that left the pool handing out
            // nothing for 30 s, until every waiter timed out (503s in the Gatling ramp,
            // docs/BENCHMARKS.md). Waits are bounded by the clients' and the HTTP idle timeouts.
            Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(config.database().poolSize()).setName("main")
                            .setConnectionTimeout(0))
                    .connectingTo(new PgConnectOptions(connect).setMetricsName("main")).using(vertx).build();
            Pool uploadPool = PgBuilder.pool().with(new PoolOptions().setMaxSize(config.database().uploadPoolSize()).setConnectionTimeout(0)
                            .setName("uploads").setMaxWaitQueueSize(-1))
                    .connectingTo(uploadConnectOptions(connect)).using(vertx).build();

            // What requests read and write through single statements is refused with 503 when the
            // database stops answering (database.answer-timeout); background jobs use the pool as is.
            Pool requests = new AnsweringPool(pool, config.database().answerTimeout());
            RegistryRepository registryRepository = new RegistryRepository(requests);
            Registry registryCache = new Registry(registryRepository);
            RegistryService registry = new RegistryService(registryRepository, registryCache);
            // The group committer runs on an event loop of its own, and so do the connections of its
            // batch transactions (a pool's connections live on the event loop that opened them): a
            // batch waits for no parsing or TLS work of the API's event loops before or after its
            // flight (docs/BENCHMARKS.md, runs T1-T6, when a batch still took two).
            commitLoop = eventLoop(vertx, "edoc-group-commit");
            Context commitContext = ((VertxInternal) vertx).contextBuilder().withEventLoop(commitLoop.next()).build();
            Pool batchPool = PgBuilder.pool().with(new PoolOptions().setMaxSize(config.storage().batchMaxInFlight())
                            .setName("commit").setConnectionTimeout(0))
                    .connectingTo(commitConnectOptions(connect)).using(vertx).build();
            DocumentRepository documents = new DocumentRepository(requests, uploadPool, batchPool);
            Timer batchTime = Timer.builder("edoc.group.commit.batch")
                    .description("Batch transactions of the group committer, from start to commit").register(metrics);
            DistributionSummary batchSize = DistributionSummary.builder("edoc.group.commit.batch.documents")
                    .description("Documents per batch transaction").serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
                    .register(metrics);
            Timer commitWait = Timer.builder("edoc.group.commit.wait")
                    .description("Documents from joining the group committer's queue to their commit").register(metrics);
            ReceiptSigner receipts = new ReceiptSigner(keys.receiptKey(), keys.receiptCertificate());
            GroupCommitter committer = new GroupCommitter(documents, commitContext, new GroupCommitter.Limits(
                    config.storage().batchMaxDocuments(), config.storage().batchMaxBytes(), config.storage().batchMaxInFlight(),
                    config.storage().batchAnswerTimeout()),
                    new GroupCommitter.Observer() {
                        @Override
                        public void batch(int documentCount, long nanos) {
                            batchTime.record(nanos, TimeUnit.NANOSECONDS);
                            batchSize.record(documentCount);
                        }

                        @Override
                        public void committed(long nanos) {
                            commitWait.record(nanos, TimeUnit.NANOSECONDS);
                        }
                    }, receipts);
            FunctionCounter.builder("edoc.group.commit.batches", committer, GroupCommitter::batches)
                    .description("Batch transactions of the group committer").register(metrics);
            FunctionCounter.builder("edoc.group.commit.documents", committer, GroupCommitter::batchedDocuments)
                    .description("Documents committed by the group committer").register(metrics);
            TrustStoreValidator signers = new TrustStoreValidator(keys.signerAnchors(), keys.signerCrls(),
                    config.signatures().requireCrl() ? TrustStoreValidator.RevocationPolicy.REQUIRE_CRL
                            : TrustStoreValidator.RevocationPolicy.CHECK_IF_AVAILABLE, Clock.systemUTC());
            Vertx timers = vertx;
            vertx.setPeriodic(config.signatures().reloadInterval().toMillis(), tick -> timers.executeBlocking(signers::reload, false)
                    .onSuccess(r -> LOG.info("signer trust material: {}", r.message())));
            IntakeService intake = new IntakeService(registryCache, documents, committer, new IntakeLimits(config.api().maxPackageSize(),
                    config.storage().chunkSize(), new XmlLimits(config.xml().maxDepth(), config.xml().maxTokenSize(),
                    config.xml().maxAttributes(), config.xml().maxNames(), config.xml().maxPrefixes()),
                    config.api().minUploadRate(), config.api().uploadRateWindow()), signers, receipts);
            DeliveryWakeups wakeups = new DeliveryWakeups();
            DeliveryService deliveries = new DeliveryService(new DeliveryRepository(requests), documents, wakeups);
            Gauge.builder("edoc.waiting.receivers", wakeups, DeliveryWakeups::waiting)
                    .description("Long-polls and event streams waiting on this node").register(metrics);
            PushService.Policy pushPolicy = new PushService.Policy(config.push().lease(),
                    config.push().maxAttempts(), config.push().maxAge(), config.push().backoffBase(), config.push().backoffMax());
            PushService pushes = new PushService(new PushRepository(pool), documents, pushPolicy, registryCache,
                    config.push().deniedAddresses());
            PushService pushSettings = new PushService(new PushRepository(requests), documents, pushPolicy, registryCache,
                    config.push().deniedAddresses());
            SentService sent = new SentService(new SentRepository(requests), registryCache);
            StatsService stats = new StatsService(new StatsRepository(requests, config.housekeeping().statsZone()), registryCache,
                    config.housekeeping().statsAckedInterval());
            StatsService statsRollUp = new StatsService(new StatsRepository(pool, config.housekeeping().statsZone()), registryCache,
                    config.housekeeping().statsAckedInterval());
            AuditService audit = new AuditService(new AuditRepository(pool));
            CallerResolver resolver = new CallerResolver(keys.operatorFingerprints());

            await(registryCache.refresh());
            if (keys.development() && config.demo().seed() && registryCache.snapshot().systems().isEmpty()) {
                await(DemoDirectory.seed(registry, config.pki().dir()));
                LOG.info("seeded the demo directory: systems {}", DemoDirectory.systemIds());
            }

            HttpServerOptions apiOptions = apiOptions(config, keys, sslEngine);
            int instances = config.api().instances() == 0 ? VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE : config.api().instances();
            ApiVerticle[] first = new ApiVerticle[1];
            Vertx v = vertx;
            FailureHandler undecodable = new FailureHandler(metrics);
            String apiDeployment = await(vertx.deployVerticle(() -> {
                ApiVerticle verticle = new ApiVerticle(apiOptions, (x, stopping) -> ApiRoutes.create(v, resolver, registry, intake,
                        deliveries, pushSettings, sent, stats, audit, config.api().eventHeartbeat().toMillis(), config.compat(), metrics,
                        stopping),
                        undecodable::invalidRequest, config.api().shutdownGrace());
                if (first[0] == null) {
                    first[0] = verticle;
                }
                return verticle;
            }, new DeploymentOptions().setInstances(instances)).recover(e -> Future.failedFuture(listenError("api", config.api().port(), e))));
            await(vertx.deployVerticle(new NotificationVerticle((PgConnectOptions) new PgConnectOptions(connect).setMetricsName("notifications"), wakeups, registryCache)));
            DocumentRepository sweeps = new DocumentRepository(pool, uploadPool, batchPool);
            await(vertx.deployVerticle(new HousekeepingVerticle(audit, statsRollUp, config.housekeeping().auditSealInterval(),
                    config.housekeeping().statsInterval(), deliveries, config.housekeeping().queueInterval(), metrics,
                    config.housekeeping().uploadSweepInterval(),
                    () -> sweeps.sweepAbandonedUploads(config.housekeeping().abandonedUploadAge()))));
            await(vertx.deployVerticle(new PushVerticle(pushes, wakeups, new PushVerticle.Settings(
                    path(keys.pushCertificate()), path(keys.pushKey()), path(keys.pushTrustedCas()), config.push().concurrency(),
                    config.push().timeout(), config.push().pollInterval()), metrics)));
            AtomicBoolean stopping = new AtomicBoolean();
            OpsVerticle ops = new OpsVerticle(config.ops().host(), config.ops().port(), requests, metrics, stopping::get);
            await(vertx.deployVerticle(ops).recover(e -> Future.failedFuture(listenError("ops", config.ops().port(), e))));

            RouterApplication app = new RouterApplication(vertx, commitLoop, embedded, keys, engineName, first[0].actualPort(),
                    ops.actualPort(), registry, apiDeployment, config.api().shutdownGrace(), stopping);
            if (embedded != null) {
                embedded.stopFirst(app::closeServices);
            }
            LOG.info("edoc-axis ready: API https://{}:{} ({} instance(s), TLS engine {}), ops http://{}:{}",
                    config.api().host(), app.apiPort, instances, engineName, config.ops().host(), app.opsPort);
            return app;
        } catch (Exception | Error e) {
            if (vertx != null) {
                vertx.close().await(30, TimeUnit.SECONDS);
            }
            if (commitLoop != null) {
                commitLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /**
     * An event loop of its own (one thread, {@code threadName}) of Vert.x's transport, to be shut
     * down after Vert.x is closed (the connections on it are closed by then).
     */
    static EventLoopGroup eventLoop(Vertx vertx, String threadName) {
        ThreadFactory threads = task -> VertxThreadFactory.INSTANCE.newVertxThread(task, threadName, false, 2, TimeUnit.SECONDS);
        return new MultiThreadIoEventLoopGroup(1, threads, ((VertxInternal) vertx).transport().ioHandlerFactory());
    }

    private static String path(Path file) {
        return file == null ? null : file.toString();
    }

    private static HttpServerOptions apiOptions(RouterConfig config, KeyMaterial tls, SSLEngineOptions engine) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.api().host())
                .setPort(config.api().port())
                .setSsl(true)
                .setSslEngineOptions(engine)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.serverCertificate().toString())
                        .setKeyPath(tls.serverKey().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(tls.trustedCas().toString()))
                .setClientAuth(ClientAuth.REQUIRED)
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
                .setUseAlpn(true)
                .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
                .setIdleTimeout((int) config.api().idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setHandle100ContinueAutomatically(false)
                .setDecompressionSupported(false);
        for (Path crl : tls.crls()) {
            options.addCrlPath(crl.toString());
        }
        return options;
    }

    private static SSLEngineOptions sslEngine(RouterConfig.Engine engine) {
        return switch (engine) {
            case JDK -> new JdkSSLEngineOptions();
            case OPENSSL -> {
                if (!OpenSSLEngineOptions.isAvailable()) {
                    throw new ConfigError("tls.engine is openssl but BoringSSL (netty-tcnative) cannot be loaded: "
                            + OpenSsl.unavailabilityCause());
                }
                yield new OpenSSLEngineOptions();
            }
            case AUTO -> OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
        };
    }

    private static Throwable listenError(String server, int port, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // the JDK's exception with NIO, Netty's with the native transport
        if (root instanceof BindException
                || root instanceof io.netty.channel.unix.Errors.NativeIoException && String.valueOf(root.getMessage()).startsWith("bind(")) {
            return new ConfigError(server + ".port " + port + " is already in use or cannot be bound: " + root.getMessage());
        }
        return cause;
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * The upload pool's sessions: its chunk writes need not wait for their WAL to be flushed, since
     * the document's commit (main pool, synchronous) flushes the WAL up to itself, and so every chunk
     * written before it, before the upload is acknowledged.
     */
    static PgConnectOptions uploadConnectOptions(PgConnectOptions connect) {
        PgConnectOptions options = new PgConnectOptions(connect);
        options.setMetricsName("uploads");
        options.addProperty("synchronous_commit", "off");
        return options;
    }

    /**
     * The group committer's sessions: its statements take arrays of rows, and PostgreSQL's default
     * plan cache mode gives each connection custom plans for good when its first batches are small
     * (a custom plan knows the arrays' lengths and costs less than the generic one, which assumes
     * ten rows), so an idle or lightly loaded router planned its three batch statements again in
     * every transaction: about half a millisecond of PostgreSQL CPU per batch of one to three
     * documents, 40 % of it (docs/BENCHMARKS.md, "Planning every batch"). A generic plan is made
     * once per connection and is the same plan at every batch size.
     */
    public static PgConnectOptions commitConnectOptions(PgConnectOptions connect) {
        PgConnectOptions options = new PgConnectOptions(connect);
        options.setMetricsName("commit");
        options.addProperty("plan_cache_mode", "force_generic_plan");
        return options;
    }

    public int apiPort() {
        return apiPort;
    }

    public int opsPort() {
        return opsPort;
    }

    public String tlsEngine() {
        return engine;
    }

    public KeyMaterial keys() {
        return tls;
    }

    public Vertx vertx() {
        return vertx;
    }

    public RegistryService registry() {
        return registry;
    }

    @Override
    public void close() {
        closeServices();
        if (embedded != null) {
            embedded.close();
        }
    }

    /**
     * The API first ({@code api.shutdown-grace}: it takes no new connections and finishes the
     * requests in progress while the pools, the group committer and housekeeping still run), then
     * Vert.x and the group committer's event loop. Once, whichever thread calls first; a second
     * caller waits until it is done (the embedded database is stopped after it).
     */
    private synchronized void closeServices() {
        if (stopping.getAndSet(true)) { // also readiness DOWN while the API finishes what is in progress
            return;
        }
        try {
            vertx.undeploy(apiDeployment).toCompletionStage().toCompletableFuture()
                    .get(shutdownGrace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("the API did not stop within api.shutdown-grace", e);
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Vert.x did not close cleanly", e);
        }
        commitLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
