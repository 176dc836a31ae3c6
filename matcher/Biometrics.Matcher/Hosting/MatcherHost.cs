using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Grpc;
using Biometrics.Matcher.Policy;
using Biometrics.Matcher.Security;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;
using Biometrics.Matcher.Telemetry;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Biometrics.Matcher.Hosting;

/// <summary>
/// Composes the matcher: configuration (appsettings.json, environment, command line, then <c>configure</c>), validated
/// options, the Redis-backed template store, galleries that follow it, the face pipeline, the policy, and the gRPC
/// services (Grpc.AspNetCore) behind bearer-token authentication and one authorization policy per method, with the
/// standard health and reflection services, on one Kestrel listener (TLS unless in development mode).
/// </summary>
public static partial class MatcherHost
{
    /// <summary>Clock difference tolerated on bearer and QR token validity (issued-at and expiry).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    /// <summary>Builds the application (not started). <paramref name="configure"/> adds configuration last,
    /// <paramref name="logging"/> adds logging providers and <paramref name="services"/> adds or replaces services last
    /// (tests: an in-memory trace exporter).</summary>
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null, Action<ILoggingBuilder>? logging = null,
        Action<IServiceCollection>? extraServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        configure?.Invoke(builder.Configuration);

        var section = builder.Configuration.GetSection(MatcherOptions.Section);
        var settings = section.Get<MatcherOptions>() ?? new MatcherOptions();
        DevelopmentKeys? devKeys = null;
        if (settings.Security.DevelopmentMode)
        {
            devKeys = DevelopmentKeys.Ensure(settings.Security.KeysDirectory, tokenKeyId: settings.Security.TokenSigningKeyId);
            var defaults = new Dictionary<string, string?>();
            void Default(string key, string value)
            {
                if (string.IsNullOrEmpty(builder.Configuration[key])) defaults[key] = value;
            }

            if (string.IsNullOrEmpty(builder.Configuration["Matcher:Store:PseudonymisationKeyBase64"])) Default("Matcher:Store:PseudonymisationKeyFile", devKeys.PseudonymisationKeyFile);
            if (string.IsNullOrEmpty(builder.Configuration["Matcher:Store:EncryptionKeyBase64"])) Default("Matcher:Store:EncryptionKeyFile", devKeys.EncryptionKeyFile);
            Default("Matcher:Security:TokenSigningKeyFile", devKeys.TokenSigningKeyFile);
            Default("Matcher:Security:QrIssuers:" + DevelopmentKeys.QrIssuer, devKeys.QrIssuerPublicKeyFile);
            builder.Configuration.AddInMemoryCollection(defaults);
            settings = section.Get<MatcherOptions>() ?? new MatcherOptions();
        }

        var telemetry = builder.Configuration.GetSection(TelemetrySettings.Section).Get<TelemetrySettings>() ?? new TelemetrySettings();

        // Everything is checked before anything is built or listened on, and every problem is listed at once.
        var tls = ValidateAll(section, settings, telemetry);

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        logging?.Invoke(builder.Logging);

        var services = builder.Services;
        services.AddOptions<MatcherOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MatcherOptions>, MatcherOptionsValidator>();
        services.AddOptions<MatchingOptions>().Bind(section.GetSection("Matching")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MatchingOptions>, MatchingOptionsValidator>();
        services.AddOptions<TemplateStoreOptions>().Bind(section.GetSection("Store")).PostConfigure(o => o.ApplyEnvironment()).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TemplateStoreOptions>>(StoreValidator);

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MatchingOptions>>().Value);
        services.AddSingleton(sp => new StoreConnections(sp.GetRequiredService<IOptions<MatcherOptions>>().Value.Redis,
            sp.GetRequiredService<IOptions<TemplateStoreOptions>>().Value));
        // One registration per disposable instance (the container disposes what each factory returns).
        services.AddSingleton<ITemplateStore>(sp =>
        {
            var connections = sp.GetRequiredService<StoreConnections>();
            var options = sp.GetRequiredService<IOptions<TemplateStoreOptions>>().Value;
            options.CommandTimeout = TimeSpan.FromMilliseconds(sp.GetRequiredService<IOptions<MatcherOptions>>().Value.Redis.CommandTimeoutMs);
            var redis = new RedisTemplateStore(connections.Shared, options, sp.GetRequiredService<ILogger<RedisTemplateStore>>(), connections.Writes);
            return new InstrumentedTemplateStore(redis, sp.GetRequiredService<MatcherTelemetry>());
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<MatcherOptions>>().Value.Security;
            return new BearerTokenValidator(new Dictionary<string, byte[]> { [o.TokenSigningKeyId] = KeyMaterial.ReadKeyFile(o.TokenSigningKeyFile!) }, ClockSkew);
        });
        services.AddSingleton(sp =>
        {
            var issuers = sp.GetRequiredService<IOptions<MatcherOptions>>().Value.Security.QrIssuers
                .ToDictionary(kv => kv.Key, kv => KeyMaterial.LoadEcPublicKey(kv.Value), StringComparer.Ordinal);
            return new QrTokenValidator(issuers, ClockSkew);
        });
        if (settings.Pipeline.Enabled)
        {
            services.AddSingleton<IFaceEmbedder>(sp => new FacePipelineEmbedder(sp.GetRequiredService<IOptions<MatcherOptions>>().Value.Pipeline));
        }

        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<MatcherOptions>>().Value;
            var thresholds = LoadThresholds(o, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Biometrics.Matcher"));
            return new ModelCatalog(thresholds, sp.GetService<IFaceEmbedder>()?.ModelId);
        });
        services.AddSingleton(sp => new DecisionPolicy(sp.GetRequiredService<MatchingOptions>().ProbeQuality));
        services.AddSingleton(sp =>
        {
            var split = sp.GetRequiredService<IOptions<MatcherOptions>>().Value.Split;
            var matching = sp.GetRequiredService<MatchingOptions>();
            // The watchlist stays whole on every matcher: it is screened on every Verify and gate probe (docs/SCALING.md, "Split galleries").
            var partition = split.Parts > 1 ? new GalleryPartition(split.Parts, split.Part, [matching.WatchlistGallery]) : GalleryPartition.Whole;
            return new GalleryRegistry(matching.Dimension, sp.GetRequiredService<ILogger<GalleryRegistry>>(), partition);
        });
        if (settings.Split.Parts > 1)
        {
            services.AddSingleton<IPartSearcher>(sp =>
            {
                var o = sp.GetRequiredService<IOptions<MatcherOptions>>().Value;
                return new PeerPartClient(o.Split, o.Security.TokenSigningKeyId, KeyMaterial.ReadKeyFile(o.Security.TokenSigningKeyFile!),
                    sp.GetRequiredService<ILogger<PeerPartClient>>(), tls?.Peers);
            });
        }

        services.AddSingleton(sp => new FaceResolver(sp.GetRequiredService<ModelCatalog>(), sp.GetRequiredService<MatchingOptions>(), sp.GetService<IFaceEmbedder>()));
        services.AddSingleton<ClaimResolver>();
        services.AddSingleton<WatchlistScreener>();
        services.AddSingleton<AuditTrail>(sp => new AuditTrail(sp.GetRequiredService<ITemplateStore>(), sp.GetRequiredService<ILogger<AuditTrail>>()));
        services.AddSingleton<VerificationService>();
        services.AddSingleton(sp => new IdentificationService(sp.GetRequiredService<FaceResolver>(), sp.GetRequiredService<GalleryRegistry>(),
            sp.GetRequiredService<ModelCatalog>(), sp.GetRequiredService<AuditTrail>(), sp.GetService<IPartSearcher>(), sp.GetRequiredService<MatchingOptions>()));
        services.AddSingleton<GateSessionService>(sp => new GateSessionService(sp.GetRequiredService<FaceResolver>(), sp.GetRequiredService<ClaimResolver>(),
            sp.GetRequiredService<WatchlistScreener>(), sp.GetRequiredService<ModelCatalog>(), sp.GetRequiredService<AuditTrail>(),
            sp.GetRequiredService<MatchingOptions>()));
        services.AddSingleton<EnrolmentService>(sp => new EnrolmentService(sp.GetRequiredService<ITemplateStore>(), sp.GetRequiredService<FaceResolver>(),
            sp.GetRequiredService<AuditTrail>(), sp.GetRequiredService<MatchingOptions>()));
        services.AddSingleton<MatcherGrpcService>();
        services.AddSingleton<EnrolmentGrpcService>();
        services.AddSingleton(sp => new PeerGrpcService(sp.GetRequiredService<IdentificationService>(), tls?.Peers));
        services.AddSingleton(sp => new OperationsGrpcService(sp.GetRequiredService<ModelCatalog>(), sp.GetRequiredService<GalleryRegistry>(),
            sp.GetRequiredService<IOptions<MatchingOptions>>(), sp.GetRequiredService<ITemplateStore>(), sp.GetService<IFaceEmbedder>()));
        services.AddSingleton<HealthServiceImpl>();
        services.AddSingleton<MatcherExceptionInterceptor>();
        services.AddHostedService<HealthReporter>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<MatcherOptions>>().Value;
            return new GalleryCheckpoint(o.Checkpoint, sp.GetRequiredService<IOptions<TemplateStoreOptions>>().Value, o.Split,
                sp.GetRequiredService<ModelCatalog>().KnownModels, sp.GetRequiredService<MatchingOptions>().Dimension,
                sp.GetRequiredService<ITemplateStore>(), sp.GetRequiredService<ILogger<GalleryCheckpoint>>());
        });
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MatcherOptions>>().Value.Checkpoint);
        services.AddHostedService<GallerySynchronizer>();
        // Registered after the synchroniser, so stopped before it: the shutdown write runs while the galleries are intact.
        services.AddHostedService<GalleryCheckpointWriter>();
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = settings.MaxReceiveMessageBytes;
            o.EnableDetailedErrors = settings.Security.DevelopmentMode;
            o.Interceptors.Add<MatcherExceptionInterceptor>();
        });
        services.UseParsingServiceMethodProvider(); // unparsable requests: INTERNAL, not UNKNOWN
        services.AddGrpcReflection();
        services.AddSingleton(sp => new RefusalLog(sp.GetRequiredService<ILogger<RefusalLog>>()));
        services.AddTransient<BearerAuthenticationHandler>();
        services.AddAuthentication(o =>
        {
            o.AddScheme<BearerAuthenticationHandler>(BearerAuthenticationHandler.SchemeName, null);
            o.DefaultScheme = BearerAuthenticationHandler.SchemeName;
        });
        services.AddMatcherPolicies();
        services.AddSingleton<MatcherTelemetry>();
        services.AddMatcherTelemetry(telemetry);
        extraServices?.Invoke(services);

        ConfigureKestrel(builder, settings, tls, telemetry);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Biometrics.Matcher");
        if (settings.Security.DevelopmentMode)
        {
            LogDevelopmentMode(logger, devKeys!.Directory);
        }

        if (settings.HealthPort != 0)
        {
            // The plain-text health port serves the health service and nothing else (decided by the socket's own port,
            // not by the Host header a client chooses).
            app.Use((context, next) =>
            {
                if (context.Connection.LocalPort == settings.HealthPort && !context.Request.Path.StartsWithSegments("/grpc.health.v1.Health"))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                return next(context);
            });
        }

        app.Services.GetRequiredService<MatcherTelemetry>().Observe(app.Services.GetRequiredService<GalleryRegistry>(),
            () => app.Services.GetRequiredService<GateSessionService>().ActiveSessions);
        if (telemetry.MetricsPort > 0) app.UseOperationsListener(telemetry.MetricsPort);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcService<MatcherGrpcService>();
        app.MapGrpcService<EnrolmentGrpcService>();
        app.MapGrpcService<OperationsGrpcService>();
        app.MapGrpcService<PeerGrpcService>();
        app.MapGrpcReflectionService();
        if (telemetry.MetricsPort > 0) app.MapOperationsEndpoints();

        // Load what is expensive before the listener opens.
        _ = app.Services.GetRequiredService<IOptions<MatcherOptions>>().Value;
        _ = app.Services.GetRequiredService<ModelCatalog>();
        return app;
    }

    // Store settings are bound from Matcher:Store; its messages name the keys under it (Matcher:Store:EncryptionKeyFile).
    private static readonly TemplateStoreOptionsValidator StoreValidator = new(MatcherOptions.Section + ":Store:");

    /// <summary>Every configuration problem at once, before anything is started: the matcher's own settings, the
    /// matching and store settings, the calibration file, and the TLS certificate and client CA (which are loaded
    /// here, so that a bad file is a listed problem and not an exception from Kestrel's listener set-up).</summary>
    /// <exception cref="OptionsValidationException">The list of problems (the command line prints it and exits 2).</exception>
    internal static TlsMaterial? ValidateAll(IConfigurationSection section, MatcherOptions settings, TelemetrySettings? telemetry = null)
    {
        var problems = new List<string>();
        if (telemetry is not null)
        {
            problems.AddRange(telemetry.Check());
            if (telemetry.MetricsPort > 0 && Uri.TryCreate(settings.Url, UriKind.Absolute, out var api) && api.Port == telemetry.MetricsPort)
            {
                problems.Add($"Telemetry:MetricsPort {telemetry.MetricsPort} is the port of Matcher:Url: the operations listener needs a port of its own.");
            }
        }

        var own = new MatcherOptionsValidator().Validate(null, settings);
        if (own.Failed) problems.AddRange(own.Failures);
        var matching = section.GetSection("Matching").Get<MatchingOptions>() ?? new MatchingOptions();
        problems.AddRange(matching.Check());
        var store = (section.GetSection("Store").Get<TemplateStoreOptions>() ?? new TemplateStoreOptions()).ApplyEnvironment();
        var storeResult = StoreValidator.Validate(null, store);
        if (storeResult.Failed) problems.AddRange(storeResult.Failures);

        var calibration = ResolvePath(settings.CalibrationFile);
        if (calibration is null && !settings.Security.DevelopmentMode)
        {
            problems.Add($"Matcher:CalibrationFile '{settings.CalibrationFile}' was not found: run `biometrics-matcher calibrate` first.");
        }
        else if (calibration is not null)
        {
            try
            {
                _ = Thresholds.Load(calibration);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                problems.Add($"Matcher:CalibrationFile: {ex.Message}");
            }
        }

        TlsMaterial? tls = null;
        // Loaded even when other problems were found, so that a bad certificate is listed with them (a missing file name is
        // the validator's problem, already listed).
        if (Uri.TryCreate(settings.Url, UriKind.Absolute, out var url) && url.Scheme == "https" && !string.IsNullOrEmpty(settings.Security.TlsCertificateFile))
        {
            tls = LoadTls(settings.Security, settings.Split, problems);
        }

        if (problems.Count > 0) throw new OptionsValidationException(MatcherOptions.Section, typeof(MatcherOptions), problems);
        return tls;
    }

    private static TlsMaterial? LoadTls(SecuritySettings s, SplitSettings split, List<string> problems)
    {
        X509Certificate2? certificate = null;
        try
        {
            certificate = string.IsNullOrEmpty(s.TlsKeyFile)
                ? X509CertificateLoader.LoadPkcs12FromFile(s.TlsCertificateFile!, null)
                : X509Certificate2.CreateFromPemFile(s.TlsCertificateFile!, s.TlsKeyFile);
            if (!certificate.HasPrivateKey) problems.Add($"Matcher:Security:TlsCertificateFile '{s.TlsCertificateFile}' has no private key (set Matcher:Security:TlsKeyFile).");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException)
        {
            problems.Add($"Matcher:Security:TlsCertificateFile '{s.TlsCertificateFile}' could not be loaded: {ex.Message}");
        }

        ClientCertificateValidator? clients = null;
        if (s.RequireClientCertificate && !string.IsNullOrEmpty(s.ClientCaFile))
        {
            try
            {
                clients = ClientCertificateValidator.FromPemFile(s.ClientCaFile);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or InvalidDataException)
            {
                problems.Add($"Matcher:Security:ClientCaFile '{s.ClientCaFile}' could not be loaded: {ex.Message}");
            }
        }

        // Split galleries over TLS: the matchers' own certificates for the peer calls (docs/SECURITY.md, "Between split matchers").
        PeerTls? peers = null;
        if (split.Parts > 1 && !string.IsNullOrEmpty(split.PeerCertificateFile) && !string.IsNullOrEmpty(split.PeerCaFile))
        {
            peers = PeerTls.Load(split.PeerCertificateFile, split.PeerKeyFile, split.PeerCaFile, problems);
        }

        return problems.Count == 0 && certificate is not null ? new TlsMaterial(certificate, clients, peers) : null;
    }

    /// <summary>The listener's TLS material, loaded and checked by <see cref="ValidateAll"/>; <see cref="Peers"/> with
    /// split galleries.</summary>
    internal sealed record TlsMaterial(X509Certificate2 Certificate, ClientCertificateValidator? Clients, PeerTls? Peers);

    // The HTTP/2 tuning of docs/MATCHER.md ("Transport"): many concurrent calls per connection (edge agents multiplex
    // every lane on one), windows large enough for 8 MiB images, HTTP/2 only (prior knowledge on plain text, ALPN h2 on
    // TLS), no Server header. Long-lived streams (GateSession, EnrolStream) must outlive any body size or minimum data
    // rate limit: grpc-dotnet lifts both per call; they are lifted here too so that no other default applies.
    private static void ConfigureKestrel(WebApplicationBuilder builder, MatcherOptions settings, TlsMaterial? tls, TelemetrySettings telemetry)
    {
        if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var url)) return; // validated before
        // One receive per wake-up instead of a zero-byte receive to wait for data and then the real one: fewer system calls
        // per call for a buffer per connection held while it is idle (docs/MATCHER.md, "Transport").
        builder.WebHost.UseSockets(o => o.WaitForDataBeforeAllocatingBuffer = false);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            var http2 = k.Limits.Http2;
            http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
            http2.InitialConnectionWindowSize = InitialConnectionWindowSize;
            http2.InitialStreamWindowSize = InitialStreamWindowSize;
            var address = url.Host switch
            {
                "localhost" => IPAddress.Loopback,
                "*" or "+" or "0.0.0.0" => IPAddress.Any,
                _ => IPAddress.TryParse(url.Host, out var ip) ? ip : IPAddress.Loopback,
            };
            k.Listen(address, url.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                UseTls(listen, tls, peers: true);
            });
            if (settings.HealthPort != 0)
            {
                k.Listen(address, settings.HealthPort, listen => listen.Protocols = HttpProtocols.Http2);
            }

            // The operations listener (Prometheus, console): HTTP/1.1 for browsers and scrapers, TLS as for the API.
            if (telemetry.MetricsPort > 0)
            {
                var ops = telemetry.MetricsAddress == "localhost" ? IPAddress.Loopback : IPAddress.Parse(telemetry.MetricsAddress);
                k.Listen(ops, telemetry.MetricsPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    UseTls(listen, tls);
                });
            }
        });
    }

    // With split galleries over TLS (peers), the API listener asks every client for a certificate: a matcher asking for
    // a part presents its own (checked again by SearchPart, docs/SECURITY.md, "Between split matchers"); a gate need not
    // present one unless Matcher:Security:RequireClientCertificate says so. A certificate presented must chain to the
    // client CA or to the matchers' CA, or the handshake fails.
    private static void UseTls(ListenOptions listen, TlsMaterial? tls, bool peers = false)
    {
        if (tls is null) return;
        var peerTls = peers ? tls.Peers : null;
        var https = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = tls.Certificate,
            ClientCertificateMode = tls.Clients is not null ? ClientCertificateMode.RequireCertificate
                : peerTls is not null ? ClientCertificateMode.AllowCertificate : ClientCertificateMode.NoCertificate,
        };
        if (tls.Clients is not null || peerTls is not null)
        {
            https.ClientCertificateValidation = (certificate, chain, _) => (tls.Clients?.Validate(certificate, chain) ?? false) || (peerTls?.IsPeer(certificate) ?? false);
        }

        listen.UseHttps(https);
    }

    /// <summary>Concurrent HTTP/2 streams per connection.</summary>
    public const int MaxStreamsPerConnection = 1000;

    /// <summary>HTTP/2 stream flow-control window, bytes.</summary>
    public const int InitialStreamWindowSize = 1024 * 1024;

    /// <summary>HTTP/2 connection flow-control window, bytes.</summary>
    public const int InitialConnectionWindowSize = 4 * 1024 * 1024;

    private static Thresholds LoadThresholds(MatcherOptions o, ILogger logger)
    {
        var path = ResolvePath(o.CalibrationFile);
        if (path is null)
        {
            if (!o.Security.DevelopmentMode)
            {
                throw new OptionsValidationException(nameof(MatcherOptions), typeof(MatcherOptions),
                    [$"Matcher:CalibrationFile '{o.CalibrationFile}' was not found: run `biometrics-matcher calibrate` first."]);
            }

            LogNoCalibration(logger, o.CalibrationFile);
            return Thresholds.Empty;
        }

        try
        {
            var t = Thresholds.Load(path);
            foreach (var m in t.Models) LogThresholds(logger, m.ModelId, m.VerifyThreshold, m.Verify.TargetFmr, m.WatchlistThreshold, m.Watchlist.TargetFmr, path);
            return t;
        }
        catch (InvalidDataException ex)
        {
            throw new OptionsValidationException(nameof(MatcherOptions), typeof(MatcherOptions), [$"Matcher:CalibrationFile: {ex.Message}"]);
        }
    }

    /// <summary>An existing file: the path itself when rooted, else under the application folder, else the working folder.</summary>
    public static string? ResolvePath(string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        if (Path.IsPathRooted(path)) return File.Exists(path) ? path : null;
        foreach (var root in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            var full = Path.GetFullPath(Path.Combine(root, path));
            if (File.Exists(full)) return full;
        }

        return null;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "*** INSECURE DEVELOPMENT MODE *** plain-text HTTP/2 allowed, development keys in {KeysDirectory} (tokens: gate.token, enrolment.token, operator.token). Never use this mode in production.")]
    private static partial void LogDevelopmentMode(ILogger logger, string keysDirectory);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "No calibration file '{File}': every verdict will be REFER (no_threshold) until one is provided")]
    private static partial void LogNoCalibration(ILogger logger, string file);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Thresholds for {ModelId}: verify {Verify} (FMR {VerifyFmr}), watchlist {Watchlist} (FMR {WatchlistFmr}) from {Path}")]
    private static partial void LogThresholds(ILogger logger, string modelId, float verify, double verifyFmr, float watchlist, double watchlistFmr, string path);
}
