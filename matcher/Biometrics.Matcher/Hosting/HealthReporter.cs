using Grpc.HealthCheck;
using Biometrics.Matcher.Services;
using Microsoft.Extensions.Hosting;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Biometrics.Matcher.Hosting;

/// <summary>Reports <c>grpc.health.v1</c> status: NOT_SERVING (for "" and every biometrics service) until this replica has
/// loaded its galleries from the store snapshot, SERVING after.</summary>
public sealed class HealthReporter(HealthServiceImpl health, GalleryRegistry galleries) : IHostedService
{
    /// <summary>Service names reported besides the whole server ("").</summary>
    public static readonly string[] Services = ["", "biometrics.v1.Matcher", "biometrics.v1.Enrolment", "biometrics.v1.Operations"];

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var s in Services) health.SetStatus(s, ServingStatus.NotServing);
        _ = galleries.WhenLoaded.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                foreach (var s in Services) health.SetStatus(s, ServingStatus.Serving);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var s in Services) health.SetStatus(s, ServingStatus.NotServing);
        return Task.CompletedTask;
    }
}
