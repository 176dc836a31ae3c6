using Biometrics.Protos.V1;
using Biometrics.Testing;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>
/// One real redis-server, two matcher replicas on it (A with the face pipeline, B embeddings only), and the deepface
/// identities enrolled once from images through A (A relaxes the quality limits for these non-gate photos) (one image per identity: its first file), so every test class in
/// the collection shares the cost of loading the models and enrolling.
/// </summary>
public sealed class MatcherFixture : IAsyncLifetime
{
    private readonly TempFolder _keys = new("biometrics-matcher-keys-");

    public RedisServer Redis { get; private set; } = null!;

    public string KeysDirectory => _keys.Path;

    public MatcherInstance A { get; private set; } = null!;

    public MatcherInstance B { get; private set; } = null!;

    public Deepface Faces { get; } = new();

    /// <summary>Enrolment answers of the deepface identities, by subject id.</summary>
    public Dictionary<string, EnrolResponse> Enrolled { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        Redis = new RedisServer();
        A = await MatcherInstance.StartAsync(Redis.EndPoint, KeysDirectory, pipeline: true);
        // B keeps the default probe quality limits (embeddings from a gate camera).
        B = await MatcherInstance.StartAsync(Redis.EndPoint, KeysDirectory, pipeline: false, relaxedQuality: false);
        foreach (var (_, members) in Faces.Identities)
        {
            var file = Deepface.Representative(members);
            var subject = Faces.IdentityOf[file];
            var request = new EnrolRequest { RequestId = "enrol-" + subject, SubjectId = subject, Galleries = { "residents" } };
            request.Images.Add(new FaceImage { Data = Google.Protobuf.ByteString.CopyFrom(Faces.Image(file)) });
            Enrolled[subject] = await A.Enrolment.EnrolAsync(request, A.As("enrolment", 60)).ResponseAsync;
        }
    }

    public async Task DisposeAsync()
    {
        if (A is not null) await A.DisposeAsync();
        if (B is not null) await B.DisposeAsync();
        Redis?.Dispose();
        _keys.Dispose();
    }
}

/// <summary>
/// The classes on <see cref="MatcherFixture"/>. They run after the other classes and alone: a matcher's metrics provider
/// listens to the instruments of every host's meter factory in this process (Microsoft.Extensions.Diagnostics matches
/// any factory's meter as "local") and merges same-named instruments into one stream, so another class stopping its
/// matcher ended the streams <see cref="OperationsMetricsTests"/> scrapes (only <c>System.Runtime</c> was left, now and
/// then). A deployment runs one matcher per process.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MatcherCollection : ICollectionFixture<MatcherFixture>
{
    public const string Name = "matcher";
}
