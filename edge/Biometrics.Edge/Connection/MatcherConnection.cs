using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using EnrolmentApi = Biometrics.Protos.V1.Enrolment;
using MatcherApi = Biometrics.Protos.V1.Matcher;
using OperationsApi = Biometrics.Protos.V1.Operations;

namespace Biometrics.Edge.Connection;

/// <summary>
/// The edge's link to the matcher: one Grpc.Net.Client <see cref="GrpcChannel"/> over a <see cref="SocketsHttpHandler"/>
/// (pooled HTTP/2 connections, more than one when a connection's stream limit is reached, keep-alive pings, TLS when the
/// address is https, the server certificate checked against the configured private CA only, a client certificate for
/// mutual TLS), the generated clients of the Matcher and Enrolment services, the bearer token on every call, and the
/// connection's health. Calls report their outcome with <see cref="ReportSuccess"/> / <see cref="ReportFailure"/>;
/// after a failure the connection is <see cref="ConnectionState.Down"/> and <see cref="RetryDelay"/> says how long to
/// wait before the next attempt (exponential back-off with jitter); <see cref="RunReconnectLoopAsync"/> probes the
/// standard health service on that schedule until the matcher answers again. Thread-safe.
/// </summary>
public sealed class MatcherConnection : IDisposable
{
    /// <summary>Largest request message sent (an enrolment with several photos).</summary>
    public const int MaxSendMessageSize = 16 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly GrpcChannel _channel;
    private readonly Metadata? _headers;
    private readonly Backoff _backoff;
    private readonly TimeProvider _clock;
    private readonly Health.HealthClient _health;
    private long _retryAtTimestamp;

    /// <summary>Creates the channel (no connection is opened until the first call).</summary>
    /// <exception cref="ArgumentException">An address is not http://host:port or https://host:port, or the list mixes them.</exception>
    public MatcherConnection(MatcherConnectionOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var addresses = BalancedChannel.Parse(options.Address, out var error) ?? throw new ArgumentException(error, nameof(options));
        Options = options;
        _clock = clock ?? TimeProvider.System;
        _backoff = new Backoff(options.BackoffInitial, options.BackoffMaximum);
        var token = options.ResolveToken();
        _headers = token is null ? null : new Metadata { { "authorization", "Bearer " + token } };
        // The channel's reconnect back-off options (experimental) are left alone: measured, a matcher back after a 14 s
        // outage is reached on the edge's next probe either way (ReconnectTests keeps that so).
        _channel = addresses.Count == 1
            ? GrpcChannel.ForAddress(addresses[0], ChannelOptions(options))
            : BalancedChannel.Create(addresses, ChannelOptions(options), a => GrpcChannel.ForAddress(a, ChannelOptions(options)), _headers);
        Addresses = addresses;
        Matcher = new MatcherApi.MatcherClient(_channel);
        Enrolment = new EnrolmentApi.EnrolmentClient(_channel);
        Operations = new OperationsApi.OperationsClient(_channel);
        _health = new Health.HealthClient(_channel);
    }

    /// <summary>The matchers: one, or several that the channel balances over (docs/SCALING.md, "Client-side balancing").</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The options the connection was made with.</summary>
    public MatcherConnectionOptions Options { get; }

    /// <summary>Generated client of <c>biometrics.v1.Matcher</c>.</summary>
    public MatcherApi.MatcherClient Matcher { get; }

    /// <summary>Generated client of <c>biometrics.v1.Enrolment</c>.</summary>
    public EnrolmentApi.EnrolmentClient Enrolment { get; }

    /// <summary>Generated client of <c>biometrics.v1.Operations</c> (<c>biometrics-gate status</c>).</summary>
    public OperationsApi.OperationsClient Operations { get; }

    /// <summary>The current state.</summary>
    public ConnectionState State { get; private set; }

    /// <summary>Why the last attempt failed (null when up).</summary>
    public string? LastError { get; private set; }

    /// <summary>Consecutive failures.</summary>
    public int Failures
    {
        get
        {
            lock (_lock)
            {
                return _backoff.Attempts;
            }
        }
    }

    /// <summary>How long to wait before the next attempt (zero when up or when the back-off delay has passed).</summary>
    public TimeSpan RetryDelay
    {
        get
        {
            lock (_lock)
            {
                if (State != ConnectionState.Down)
                {
                    return TimeSpan.Zero;
                }

                var left = _clock.GetElapsedTime(_clock.GetTimestamp(), _retryAtTimestamp);
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }
    }

    /// <summary>Raised (on the reporting thread) when the state changes between up and down.</summary>
    public event Action<ConnectionState, string?>? StateChanged;

    /// <summary>True for failures worth retrying: UNAVAILABLE, the transport breaking, and an answer that never came.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.Unknown or StatusCode.Internal
            or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted,
        HttpRequestException or IOException or TimeoutException => true,
        _ => false,
    };

    /// <summary>Call options with the bearer token, <paramref name="deadline"/> and <paramref name="cancellationToken"/>.</summary>
    public CallOptions CallOptions(DateTime? deadline, CancellationToken cancellationToken) => new(_headers, deadline, cancellationToken);

    /// <summary>Records that a call reached the matcher.</summary>
    public void ReportSuccess()
    {
        bool changed;
        lock (_lock)
        {
            changed = State != ConnectionState.Up;
            State = ConnectionState.Up;
            LastError = null;
            _backoff.Reset();
        }

        if (changed)
        {
            StateChanged?.Invoke(ConnectionState.Up, null);
        }
    }

    /// <summary>Records a failed attempt and schedules the next one after the back-off delay.</summary>
    public void ReportFailure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        bool changed;
        string message;
        lock (_lock)
        {
            changed = State != ConnectionState.Down;
            State = ConnectionState.Down;
            message = exception is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : exception.Message;
            LastError = message;
            var delay = _backoff.Next();
            _retryAtTimestamp = _clock.GetTimestamp() + (long)(delay.TotalSeconds * _clock.TimestampFrequency);
        }

        if (changed)
        {
            StateChanged?.Invoke(ConnectionState.Down, message);
        }
    }

    /// <summary>
    /// Asks the matcher's health service whether it serves; records the outcome. Never throws for transport failures.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (the call's own
    /// <c>Cancelled</c> status is not passed on as an <see cref="RpcException"/>).</exception>
    public async Task<bool> CheckAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _health.CheckAsync(new HealthCheckRequest(), CallOptions(DateTime.UtcNow + timeout, cancellationToken))
                .ResponseAsync.ConfigureAwait(false);
            if (response.Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                ReportSuccess();
                return true;
            }

            ReportFailure(new RpcException(new Status(StatusCode.Unavailable, $"health status {response.Status}")));
            return false;
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is RpcException or OperationCanceledException)
        {
            // Grpc.Net.Client ends a cancelled call with RpcException(Cancelled); callers stopping the probe (the reconnect
            // loop when the lane shuts down) expect cancellation to look like cancellation.
            throw new OperationCanceledException("the health check was cancelled", e, cancellationToken);
        }
        catch (Exception e) when (e is RpcException or HttpRequestException or IOException)
        {
            ReportFailure(e);
            return false;
        }
    }

    /// <summary>
    /// Connects at once when no call has been made yet (so the first traveller does not pay for opening the HTTP/2
    /// connection out of the lane's budget); then, while the connection is down, waits out the back-off delay and
    /// probes the health service, until cancelled. Cancellation at any moment (also during a probe) ends it normally:
    /// the returned task does not fault or cancel.
    /// </summary>
    public async Task RunReconnectLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (State == ConnectionState.Unknown)
                {
                    await CheckAsync(Options.ConnectTimeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (State != ConnectionState.Down)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _clock, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var wait = RetryDelay;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _clock, cancellationToken).ConfigureAwait(false);
                }

                if (State == ConnectionState.Down && RetryDelay == TimeSpan.Zero)
                {
                    await CheckAsync(Options.ConnectTimeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Closes the channel and its connections.</summary>
    public void Dispose() => _channel.Dispose();

    private static GrpcChannelOptions ChannelOptions(MatcherConnectionOptions options) => new()
    {
        HttpHandler = CreateHandler(options),
        DisposeHttpClient = true,
        MaxSendMessageSize = MaxSendMessageSize,
    };

    /// <summary>
    /// The HTTP/2 transport: several connections when one's concurrent-stream limit is reached (many lanes on one
    /// agent), keep-alive pings also while idle (a half-open connection is found between travellers, not during one),
    /// pooled connections kept while idle, the connect timeout, no proxy, cookies or redirects, a 1 MiB stream window
    /// (enrolment photos), the client certificate for mutual TLS, and with a private CA the server chain validated
    /// against that CA only.
    /// </summary>
    private static SocketsHttpHandler CreateHandler(MatcherConnectionOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            InitialHttp2StreamWindowSize = 1024 * 1024,
        };
        if (!string.IsNullOrEmpty(options.ClientCertificateFile))
        {
            var certificate = X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientKeyFile);
            handler.SslOptions.ClientCertificates = [certificate];
        }

        if (!string.IsNullOrEmpty(options.CaFile))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.CaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => ChainsToRoots(certificate, errors, roots);
        }

        return handler;
    }

    /// <summary>True when the server certificate names the host and chains to one of <paramref name="roots"/> (and to
    /// nothing else: the system store is not consulted).</summary>
    internal static bool ChainsToRoots(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false; // no certificate, or one for another name
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
