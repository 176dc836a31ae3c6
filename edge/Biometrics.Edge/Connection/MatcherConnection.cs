using System.Security.Cryptography.X509Certificates;
using Biometrics.Grpc;
using Biometrics.Protos.V1;
using Grpc.Health.V1;

namespace Biometrics.Edge.Connection;

/// <summary>
/// The edge's link to the matcher: one <see cref="GrpcChannel"/> (pooled HTTP/2 connections, TLS when the address is
/// https), typed clients for the Matcher and Enrolment services, the bearer token on every call, and the connection's
/// health. Calls report their outcome with <see cref="ReportSuccess"/> / <see cref="ReportFailure"/>; after a failure
/// the connection is <see cref="ConnectionState.Down"/> and <see cref="RetryDelay"/> says how long to wait before the
/// next attempt (exponential back-off with jitter); <see cref="RunReconnectLoopAsync"/> probes the standard health
/// service on that schedule until the matcher answers again. Thread-safe.
/// </summary>
public sealed class MatcherConnection : IDisposable
{
    private readonly Lock _lock = new();
    private readonly GrpcChannel _channel;
    private readonly Metadata? _headers;
    private readonly Backoff _backoff;
    private readonly TimeProvider _clock;
    private readonly ServiceClient _health;
    private long _retryAtTimestamp;

    /// <summary>Creates the channel (no connection is opened until the first call).</summary>
    /// <exception cref="UriFormatException">The address is not a URL.</exception>
    /// <exception cref="ArgumentException">The address is not http:// or https://.</exception>
    public MatcherConnection(MatcherConnectionOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _clock = clock ?? TimeProvider.System;
        _backoff = new Backoff(options.BackoffInitial, options.BackoffMaximum);
        var channelOptions = new GrpcChannelOptions { ConnectTimeout = options.ConnectTimeout, MaxSendMessageSize = 16 * 1024 * 1024 };
        if (!string.IsNullOrEmpty(options.CaFile))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.CaFile);
            channelOptions.RootCertificates = roots;
        }

        if (!string.IsNullOrEmpty(options.ClientCertificateFile))
        {
            var cert = X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientKeyFile);
            channelOptions.ClientCertificates = [cert];
        }

        _channel = GrpcChannel.ForAddress(options.Address, channelOptions);
        var token = options.ResolveToken();
        _headers = token is null ? null : new Metadata().Add("authorization", "Bearer " + token);
        Matcher = new ServiceClient(_channel, MatcherReflection.Descriptor.Services[0]);
        Enrolment = new ServiceClient(_channel, EnrolmentReflection.Descriptor.Services[0]);
        _health = new ServiceClient(_channel, HealthReflection.Descriptor.Services[0]);
    }

    /// <summary>The options the connection was made with.</summary>
    public MatcherConnectionOptions Options { get; }

    /// <summary>Client of <c>biometrics.v1.Matcher</c>.</summary>
    public ServiceClient Matcher { get; }

    /// <summary>Client of <c>biometrics.v1.Enrolment</c>.</summary>
    public ServiceClient Enrolment { get; }

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

    /// <summary>Asks the matcher's health service whether it serves; records the outcome. Never throws for transport failures.</summary>
    public async Task<bool> CheckAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _health.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(
                    "Check", new HealthCheckRequest(), CallOptions(DateTime.UtcNow + timeout, cancellationToken))
                .ConfigureAwait(false);
            if (response.Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                ReportSuccess();
                return true;
            }

            ReportFailure(new RpcException(new Status(StatusCode.Unavailable, $"health status {response.Status}")));
            return false;
        }
        catch (Exception e) when (e is RpcException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            ReportFailure(e);
            return false;
        }
    }

    /// <summary>
    /// Connects at once when no call has been made yet (so the first traveller does not pay for opening the HTTP/2
    /// connection out of the lane's budget); then, while the connection is down, waits out the back-off delay and
    /// probes the health service, until cancelled.
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

    /// <summary>Closes the channel.</summary>
    public void Dispose() => _channel.Dispose();
}
