using System.Threading.Channels;
using Grpc.Health.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Biometrics.Grpc;

/// <summary>The standard <c>grpc.health.v1.Health</c> service. The server as a whole (service name "") starts as
/// SERVING; hosts call <see cref="SetStatus"/> as dependencies come and go. Thread-safe; registered as a singleton by
/// <c>AddBiometricsGrpc</c> and mapped with <c>MapGrpcHealthService</c>.</summary>
public sealed class HealthServiceImpl
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [""] = ServingStatus.Serving };
    private readonly Dictionary<string, List<Channel<ServingStatus>>> _watchers = new(StringComparer.Ordinal);

    /// <summary>Sets the status of <paramref name="service"/> ("" for the whole server) and notifies its watchers.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            _statuses[service] = status;
            NotifyLocked(service, status);
        }
    }

    /// <summary>Forgets <paramref name="service"/>: Check answers NOT_FOUND, Watch reports SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        lock (_lock)
        {
            if (_statuses.Remove(service)) NotifyLocked(service, ServingStatus.ServiceUnknown);
        }
    }

    /// <summary>The current status of a service, or null when it is unknown.</summary>
    public ServingStatus? GetStatus(string service)
    {
        lock (_lock) return _statuses.TryGetValue(service, out var s) ? s : null;
    }

    /// <summary>Check: the current status; NOT_FOUND for an unknown service.</summary>
    public Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        var status = GetStatus(request.Service);
        return status is { } s
            ? Task.FromResult(new HealthCheckResponse { Status = s })
            : Task.FromException<HealthCheckResponse>(new RpcException(new Status(StatusCode.NotFound, $"Unknown service '{request.Service}'.")));
    }

    /// <summary>Watch: the current status (SERVICE_UNKNOWN when unknown), then every change until the call ends.</summary>
    public async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        var channel = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var service = request.Service;
        lock (_lock)
        {
            channel.Writer.TryWrite(_statuses.TryGetValue(service, out var s) ? s : ServingStatus.ServiceUnknown);
            if (!_watchers.TryGetValue(service, out var list)) _watchers[service] = list = [];
            list.Add(channel);
        }
        try
        {
            ServingStatus? last = null;
            var token = context.CancellationToken;
            while (await channel.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var status))
                {
                    if (status == last) continue;
                    last = status;
                    await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, token).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                if (_watchers.TryGetValue(service, out var list))
                {
                    list.Remove(channel);
                    if (list.Count == 0) _watchers.Remove(service);
                }
            }
        }
    }

    private void NotifyLocked(string service, ServingStatus status)
    {
        if (!_watchers.TryGetValue(service, out var list)) return;
        foreach (var channel in list) channel.Writer.TryWrite(status);
    }
}
