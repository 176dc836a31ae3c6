using YamlDotNet.RepresentationModel;
using static Biometrics.Deploy.Tests.Manifests;

namespace Biometrics.Deploy.Tests;

/// <summary>
/// The Kubernetes manifests of <c>deploy/</c>, checked offline (no cluster): the matcher's Deployment and Services, its
/// readiness (the gRPC health probe on the plain-text health port), disruption budgets, resources from the figures
/// measured in docs/SCALING.md, secrets by reference only, and the Redis Cluster StatefulSet.
/// </summary>
public sealed class ManifestTests
{
    /// <summary>The whole matcher's RSS with 1,000,000 residents and a 10,000-subject watchlist after 3,000 Identify calls,
    /// measured by <c>scripts/bench-split.sh</c> (docs/SCALING.md, "What one matcher holds").</summary>
    private const long MeasuredBytesAtOneMillion = 2_979L << 20;

    /// <summary>Its RSS at the end of a snapshot load, before the load's memory is given back (the same benchmark): a reload
    /// builds the new galleries beside the serving ones, so a replica must hold both.</summary>
    private const long MeasuredLoadBytesAtOneMillion = 3_332L << 20;

    private static readonly Manifests s_manifests = Load();

    private static YamlMappingNode Matcher => s_manifests.Get("Deployment", "matcher");

    private static YamlMappingNode Container(YamlNode workload, string name) =>
        Items(workload, "spec.template.spec.containers").Single(c => Text(c, "name") == name);

    private static Dictionary<string, YamlMappingNode> Env(YamlMappingNode container) =>
        Items(container, "env").ToDictionary(e => Text(e, "name")!, e => e);

    [Fact]
    public void Load_EveryFile_ParsesIntoKubernetesObjects()
    {
        Assert.NotEmpty(s_manifests.Objects);
        Assert.All(s_manifests.Objects, o =>
        {
            Assert.False(string.IsNullOrEmpty(Text(o.Node, "apiVersion")), o.File + ": apiVersion");
            Assert.False(string.IsNullOrEmpty(Text(o.Node, "kind")), o.File + ": kind");
            Assert.Equal("biometrics", Text(o.Node, "metadata.namespace"));
        });
    }

    [Fact]
    public void Matcher_Readiness_GrpcHealthProbeOnThePlainTextHealthPort()
    {
        var c = Container(Matcher, "matcher");
        var env = Env(c);
        var healthPort = Text(env["Matcher__HealthPort"], "value");

        Assert.Equal(healthPort, Text(c, "readinessProbe.grpc.port"));
        Assert.Equal(string.Empty, Text(c, "readinessProbe.grpc.service") ?? string.Empty); // the whole server: NOT_SERVING until the galleries load
        Assert.Contains(Items(c, "ports"), p => Text(p, "name") == "health" && Text(p, "containerPort") == healthPort);
        // Liveness must not be the health service, or a replica reloading its galleries would be killed.
        Assert.Null(At(c, "livenessProbe.grpc"));
        var url = new Uri(Text(env["Matcher__Url"], "value")!);
        Assert.Equal("https", url.Scheme);
        Assert.Contains(Items(c, "ports"), p => Text(p, "name") == "grpc" && Text(p, "containerPort") == url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Matchers_Checkpoint_OnAnEmptyDirOfTheirOwn()
    {
        // Every matcher Deployment (whole and split parts): the local gallery checkpoint (docs/MATCHER.md, "Start-up") in a
        // writable emptyDir (the root file system is read-only), sized for the file and its replacement.
        var matchers = s_manifests.Objects.Where(o => Text(o.Node, "kind") == "Deployment" && Items(o.Node, "spec.template.spec.containers").Any(c => Text(c, "name") == "matcher")).ToList();
        Assert.True(matchers.Count >= 4, "the whole matcher and three split parts");
        Assert.All(matchers, o =>
        {
            var c = Container(o.Node, "matcher");
            var folder = Text(Env(c)["Matcher__Checkpoint__Directory"], "value");
            var mount = Items(c, "volumeMounts").Single(m => Text(m, "mountPath") == folder);
            Assert.Null(Text(mount, "readOnly"));
            var volume = Items(o.Node, "spec.template.spec.volumes").Single(v => Text(v, "name") == Text(mount, "name"));
            Assert.NotNull(At(volume, "emptyDir"));
            Assert.True(Bytes(Text(volume, "emptyDir.sizeLimit")!) >= 4L << 30, o.File + ": the checkpoint volume's sizeLimit");
        });
    }

    [Fact]
    public void Matcher_Deployment_ThreeReplicasOnDifferentNodesNoneDownDuringRollout()
    {
        Assert.True(int.Parse(Text(Matcher, "spec.replicas")!, System.Globalization.CultureInfo.InvariantCulture) >= 3);
        Assert.Equal("0", Text(Matcher, "spec.strategy.rollingUpdate.maxUnavailable"));
        var antiAffinity = Items(Matcher, "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution").Single();
        Assert.Equal("kubernetes.io/hostname", Text(antiAffinity, "topologyKey"));
    }

    [Fact]
    public void Matcher_Resources_HoldTheMeasuredGalleryOfOneMillionWithoutCpuLimit()
    {
        var c = Container(Matcher, "matcher");
        var request = Bytes(Text(c, "resources.requests.memory")!);

        Assert.Equal(request, Bytes(Text(c, "resources.limits.memory")!)); // guaranteed memory: never evicted for it
        Assert.True(request >= MeasuredBytesAtOneMillion + MeasuredLoadBytesAtOneMillion,
            $"memory {request >> 20} MiB: the measured {MeasuredBytesAtOneMillion >> 20} MiB serving and {MeasuredLoadBytesAtOneMillion >> 20} MiB of a reload beside it");
        Assert.True(double.Parse(Text(c, "resources.requests.cpu")!, System.Globalization.CultureInfo.InvariantCulture) >= 2); // Identify: 1.8 cores at 200/s
        Assert.Null(At(c, "resources.limits.cpu")); // throttling would spend lanes' budgets
    }

    [Fact]
    public void Matcher_Secrets_ReferencedNeverWritten()
    {
        var c = Container(Matcher, "matcher");
        var env = Env(c);
        foreach (var name in new[] { "BIOMETRICS_PSEUDONYMISATION_KEY", "BIOMETRICS_TEMPLATE_ENCRYPTION_KEY", "Matcher__Redis__Configuration" })
        {
            Assert.False(string.IsNullOrEmpty(Text(env[name], "valueFrom.secretKeyRef.name")), name + " from a secret");
            Assert.Null(At(env[name], "value"));
        }

        Assert.All(env.Values.Where(e => At(e, "value") is not null), e =>
            Assert.DoesNotMatch("(?i)password|secret|token$", Text(e, "value")!));
        // The files named by the settings are in mounted secrets.
        var secretMounts = Items(Matcher, "spec.template.spec.volumes").Where(v => At(v, "secret.secretName") is not null).Select(v => Text(v, "name")).ToHashSet();
        var mounts = Items(c, "volumeMounts").Where(m => secretMounts.Contains(Text(m, "name"))).Select(m => Text(m, "mountPath")!).ToList();
        foreach (var file in new[] { "Matcher__Security__TlsCertificateFile", "Matcher__Security__TlsKeyFile", "Matcher__Security__TokenSigningKeyFile" })
        {
            var path = Text(env[file], "value")!;
            Assert.Contains(mounts, m => path.StartsWith(m + "/", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(s_manifests.Objects, o => Text(o.Node, "kind") == "Secret"); // created by the operator, never committed
        Assert.Equal("1", Text(env["Matcher__Store__WaitForReplicas"], "value")); // no acknowledged enrolment lost in a failover
    }

    [Theory]
    [InlineData("matcher")]
    [InlineData("matcher-pods")]
    public void Service_SelectsTheMatcherPods_OnTheGrpcPort(string name)
    {
        var service = s_manifests.Get("Service", name);
        var labels = Map(Matcher, "spec.template.metadata.labels");

        Assert.All(Map(service, "spec.selector"), kv => Assert.Equal(kv.Value, labels.GetValueOrDefault(kv.Key)));
        var port = Items(service, "spec.ports").Single();
        Assert.Equal("grpc", Text(port, "targetPort"));
    }

    [Theory]
    [InlineData("matcher", "Deployment")]
    [InlineData("redis-cluster", "StatefulSet")]
    public void PodDisruptionBudget_AtMostOneDown_SelectsItsWorkload(string name, string kind)
    {
        var pdb = s_manifests.Get("PodDisruptionBudget", name);
        var labels = Map(s_manifests.Get(kind, name), "spec.template.metadata.labels");

        Assert.Equal("1", Text(pdb, "spec.maxUnavailable"));
        Assert.All(Map(pdb, "spec.selector.matchLabels"), kv => Assert.Equal(kv.Value, labels.GetValueOrDefault(kv.Key)));
    }

    [Fact]
    public void Redis_StatefulSet_ThreePrimariesWithOneReplicaEachAofEveryWrite()
    {
        var redis = s_manifests.Get("StatefulSet", "redis-cluster");
        var config = Map(s_manifests.Get("ConfigMap", "redis-cluster"), "data")["redis.conf"]; // a key with a dot: not a path
        var lines = config.Split('\n', StringSplitOptions.TrimEntries);

        Assert.Equal("6", Text(redis, "spec.replicas"));
        Assert.Contains("cluster-enabled yes", lines);
        Assert.Contains("appendonly yes", lines);
        Assert.Contains("appendfsync always", lines);
        Assert.NotEmpty(Items(redis, "spec.volumeClaimTemplates"));
        var c = Container(redis, "redis");
        Assert.Equal("redis-auth", Text(Env(c)["REDIS_PASSWORD"], "valueFrom.secretKeyRef.name"));
        var create = Container(s_manifests.Get("Job", "redis-cluster-create"), "create");
        Assert.Contains("--cluster-replicas 1", Text(create, "args.0"), StringComparison.Ordinal);
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Count(Text(create, "args.0")!, @"redis-cluster-\d\.redis-cluster:6379"));
    }
}
