using System.Globalization;
using System.Runtime.CompilerServices;
using Biometrics.LoadTest.Engine;
using Biometrics.LoadTest.Http2;
using Biometrics.Protos.V1;
using Google.Protobuf;

namespace Biometrics.LoadTest.Targets.Matcher;

/// <summary>
/// Enrolment.Enrol with a template: step <c>n</c> enrols seeded subject <c>firstSubject + n</c> into
/// <paramref name="galleries"/> (request id derived from the subject, so a re-run is idempotent). The verdict
/// label is the enrolment status (ENROLLED, INVALID...). Templates are computed and serialised on the calling
/// thread (about 10 microseconds each; every step is a different subject, so there is no pool). Thread-safe.
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
    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        await client.ConnectLeanAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var request = Request(client, firstSubject + context.Sequence, galleries).ToByteArray();
        var result = await client.UnaryAsync(MatcherClient.Enrol, request, EnrolResponse.Parser, cancellationToken).ConfigureAwait(false);
        return result.Response is { } response ? StepResult.Ok(EnumLabel<EnrolStatus>.Of(response.Status)) : StepResult.Fail(result.Label);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
