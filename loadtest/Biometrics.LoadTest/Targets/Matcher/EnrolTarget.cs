using System.Globalization;
using Biometrics.LoadTest.Engine;
using Biometrics.Protos.V1;

namespace Biometrics.LoadTest.Targets.Matcher;

/// <summary>
/// Enrolment.Enrol with a template: step <c>n</c> enrols seeded subject <c>firstSubject + n</c> into
/// <paramref name="galleries"/> (request id derived from the subject, so a re-run is idempotent). The verdict
/// label is the enrolment status (ENROLLED, INVALID...). Templates are computed on the calling thread:
/// about 10 microseconds each. Thread-safe.
/// </summary>
public sealed class EnrolTarget(MatcherClient client, long firstSubject, IReadOnlyList<string> galleries) : ILoadTarget
{
    /// <inheritdoc />
    public string Description => $"{client.Connection.Address} Enrolment/Enrol (templates from subject {firstSubject:N0}, galleries {string.Join(",", galleries)})";

    /// <summary>The enrolment request of seeded subject <paramref name="subject"/>.</summary>
    public static EnrolRequest Request(MatcherClient client, long subject, IReadOnlyList<string> galleries)
    {
        var request = new EnrolRequest
        {
            RequestId = "seed-" + client.Faces.Seed.ToString(CultureInfo.InvariantCulture) + "-" + subject.ToString(CultureInfo.InvariantCulture),
            SubjectId = Data.SyntheticFaces.SubjectId(subject),
            Template = client.Embedding(client.Faces.Template(subject)),
        };
        request.Galleries.Add(galleries);
        return request;
    }

    /// <inheritdoc />
    public ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
        => MatcherStep.Run(async () =>
        {
            var request = Request(client, firstSubject + context.Sequence, galleries);
            var response = await client.Invoker.AsyncUnaryCall(MatcherClient.Enrol, null, client.Options(cancellationToken), request).ResponseAsync.ConfigureAwait(false);
            return StepResult.Ok(response.Status.ToString().ToUpperInvariant());
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
