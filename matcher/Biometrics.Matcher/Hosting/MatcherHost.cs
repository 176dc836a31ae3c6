using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Biometrics.Grpc;
using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Grpc;
using Biometrics.Matcher.Policy;
using Biometrics.Matcher.Security;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;
using Biometrics.Protos.V1;
using Biometrics.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Biometrics.Matcher.Hosting;

/// <summary>
/// Composes the matcher: configuration (appsettings.json, environment, command line, then <c>configure</c>), validated
/// options, the Redis-backed template store, galleries that follow it, the face pipeline, the policy, and the gRPC
/// services behind the bearer-token interceptor, on one Kestrel listener (TLS unless in development mode).
/// </summary>
public static partial class MatcherHost
{
    /// <summary>Clock difference tolerated on bearer and QR token validity (issued-at and expiry).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    /// <summary>Builds the application (not started). <paramref name="configure"/> adds configuration last (tests).</summary>
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
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

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        var services = builder.Services;
        services.AddOptions<MatcherOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MatcherOptions>, MatcherOptionsValidator>();
        services.AddOptions<MatchingOptions>().Bind(section.GetSection("Matching")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MatchingOptions>, MatchingOptionsValidator>();
        services.AddOptions<TemplateStoreOptions>().Bind(section.GetSection("Store")).PostConfigure(o => o.ApplyEnvironment()).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TemplateStoreOptions>, TemplateStoreOptionsValidator>();

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MatchingOptions>>().Value);
        services.AddSingleton<IRedisConnection>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<MatcherOptions>>().Value.Redis;
            var redis = RedisOptions.Parse(o.Configuration);
            redis.CommandTimeout = TimeSpan.FromMilliseconds(o.CommandTimeoutMs);
            redis.ConnectTimeout = TimeSpan.FromMilliseconds(o.ConnectTimeoutMs);
            redis.PoolSize = o.PoolSize;
            redis.AbortOnConnectFail = false; // start even when Redis is down: NOT_SERVING until the galleries load
            redis.ClientName ??= "biometrics-matcher";
            return RedisConnectionMultiplexer.ConnectAsync(redis, sp.GetRequiredService<ILoggerFactory>()).GetAwaiter().GetResult();
        });
        // One registration per disposable instance (the container disposes what each factory returns).
        services.AddSingleton<ITemplateStore>(sp => new RedisTemplateStore(sp.GetRequiredService<IRedisConnection>(),
            sp.GetRequiredService<IOptions<TemplateStoreOptions>>().Value, sp.GetRequiredService<ILogger<RedisTemplateStore>>()));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<MatcherOptions>>().Value.Security;
            return new BearerTokenValidator(new Dictionary<string, byte[]> { [o.TokenSigningKeyId] = KeyFiles.Read(o.TokenSigningKeyFile!) }, ClockSkew);
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
        services.AddSingleton(sp => new GalleryRegistry(sp.GetRequiredService<MatchingOptions>().Dimension, sp.GetRequiredService<ILogger<GalleryRegistry>>()));
        services.AddSingleton(sp => new FaceResolver(sp.GetRequiredService<ModelCatalog>(), sp.GetRequiredService<MatchingOptions>(), sp.GetService<IFaceEmbedder>()));
        services.AddSingleton<ClaimResolver>();
        services.AddSingleton<WatchlistScreener>();
        services.AddSingleton<AuditTrail>(sp => new AuditTrail(sp.GetRequiredService<ITemplateStore>(), sp.GetRequiredService<ILogger<AuditTrail>>()));
        services.AddSingleton<VerificationService>();
        services.AddSingleton<IdentificationService>();
        services.AddSingleton<GateSessionService>(sp => new GateSessionService(sp.GetRequiredService<FaceResolver>(), sp.GetRequiredService<ClaimResolver>(),
            sp.GetRequiredService<WatchlistScreener>(), sp.GetRequiredService<ModelCatalog>(), sp.GetRequiredService<AuditTrail>(),
            sp.GetRequiredService<MatchingOptions>(), sp.GetRequiredService<ILogger<GateSessionService>>()));
        services.AddSingleton<EnrolmentService>(sp => new EnrolmentService(sp.GetRequiredService<ITemplateStore>(), sp.GetRequiredService<FaceResolver>(),
            sp.GetRequiredService<AuditTrail>(), sp.GetRequiredService<MatchingOptions>()));
        services.AddSingleton<MatcherGrpcService>();
        services.AddSingleton<EnrolmentGrpcService>();
        services.AddSingleton(sp => new OperationsGrpcService(sp.GetRequiredService<ModelCatalog>(), sp.GetRequiredService<GalleryRegistry>(),
            sp.GetRequiredService<IOptions<MatchingOptions>>(), sp.GetRequiredService<ITemplateStore>(), sp.GetService<IFaceEmbedder>()));
        services.AddSingleton<AuthInterceptor>();
        services.AddHostedService<HealthReporter>();
        services.AddHostedService<GallerySynchronizer>();
        services.AddBiometricsGrpc(o =>
        {
            o.MaxReceiveMessageSize = settings.MaxReceiveMessageBytes;
            o.EnableDetailedErrors = settings.Security.DevelopmentMode;
            o.Interceptors.Add<AuthInterceptor>();
        });

        ConfigureListener(builder, settings);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Biometrics.Matcher");
        if (settings.Security.DevelopmentMode)
        {
            LogDevelopmentMode(logger, devKeys!.Directory);
        }

        app.MapGrpcHealthService();
        app.MapGrpcService<MatcherGrpcService>(MatcherReflection.Descriptor.Services[0]);
        app.MapGrpcService<EnrolmentGrpcService>(EnrolmentReflection.Descriptor.Services[0]);
        app.MapGrpcService<OperationsGrpcService>(OperationsReflection.Descriptor.Services[0]);

        // Fail fast on configuration problems and load what is expensive before the listener opens.
        _ = app.Services.GetRequiredService<IOptions<MatcherOptions>>().Value;
        _ = app.Services.GetRequiredService<ModelCatalog>();
        return app;
    }

    private static void ConfigureListener(WebApplicationBuilder builder, MatcherOptions settings)
    {
        if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var url)) return; // the validator reports it
        builder.WebHost.ConfigureKestrel(k =>
        {
            var address = url.Host switch
            {
                "localhost" => IPAddress.Loopback,
                "*" or "+" or "0.0.0.0" => IPAddress.Any,
                _ => IPAddress.TryParse(url.Host, out var ip) ? ip : IPAddress.Loopback,
            };
            k.Listen(address, url.Port, listen =>
            {
                if (url.Scheme != "https") return;
                var certificate = LoadCertificate(settings.Security);
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = certificate,
                    ClientCertificateMode = settings.Security.RequireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate,
                });
            });
        });
    }

    private static X509Certificate2 LoadCertificate(SecuritySettings s)
    {
        var file = s.TlsCertificateFile ?? throw new InvalidOperationException("Matcher:Security:TlsCertificateFile is required for https://.");
        return string.IsNullOrEmpty(s.TlsKeyFile)
            ? X509CertificateLoader.LoadPkcs12FromFile(file, null)
            : X509Certificate2.CreateFromPemFile(file, s.TlsKeyFile);
    }

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
