using System.Globalization;
using YamlDotNet.RepresentationModel;
using static Biometrics.Deploy.Tests.Manifests;

namespace Biometrics.Deploy.Tests;

/// <summary>
/// <c>deploy/split/matcher-split.yaml</c>, the matcher with split galleries (docs/SCALING.md, "Split galleries"), checked
/// offline: one Deployment, Service and disruption budget per part, every part held by two replicas or more, each part
/// naming every other part's Service as its holder, the gRPC health probe as readiness, memory from the measured RSS of
/// a split matcher, and the mutual TLS between the matchers from mounted secrets.
/// </summary>
public sealed class SplitManifestTests
{
    /// <summary>The largest RSS of a split matcher (part of 3) with 1,000,000 residents and a 10,000-subject watchlist,
    /// loaded and after 3,000 Identify calls, measured by <c>scripts/bench-split.sh</c> (docs/SCALING.md, "Split galleries").</summary>
    private const long MeasuredPartBytesAtOneMillion = 1_268L << 20;

    /// <summary>The largest RSS of a split matcher at the end of its snapshot load, before the load's memory is given back
    /// (the same benchmark): a reload builds the new galleries beside the serving ones, so a replica must hold both.</summary>
    private const long MeasuredPartLoadBytesAtOneMillion = 1_446L << 20;

    private static readonly Manifests s_manifests = Load();

    private static List<YamlMappingNode> Parts =>
        [.. s_manifests.Objects.Where(o => o.File.StartsWith("split", StringComparison.Ordinal) && Text(o.Node, "kind") == "Deployment").Select(o => o.Node)];

    private static int PartCount => int.Parse(Text(Env(Parts[0])["Matcher__Split__Parts"], "value")!, CultureInfo.InvariantCulture);

    private static YamlMappingNode Container(YamlNode workload) =>
        Items(workload, "spec.template.spec.containers").Single(c => Text(c, "name") == "matcher");

    private static Dictionary<string, YamlMappingNode> Env(YamlNode workload) =>
        Items(Container(workload), "env").ToDictionary(e => Text(e, "name")!, e => e);

    private static string Value(YamlNode workload, string name) => Text(Env(workload)[name], "value")!;

    [Fact]
    public void Parts_OneDeploymentPerPart_EachWithTwoReplicasOrMoreOnDifferentNodes()
    {
        var parts = PartCount;
        Assert.True(parts >= 2);
        Assert.Equal(parts, Parts.Count);
        Assert.Equal(Enumerable.Range(0, parts).Select(p => p.ToString(CultureInfo.InvariantCulture)), Parts.Select(d => Value(d, "Matcher__Split__Part")).Order());
        foreach (var d in Parts)
        {
            var name = Text(d, "metadata.name");
            Assert.Equal(parts.ToString(CultureInfo.InvariantCulture), Value(d, "Matcher__Split__Parts"));
            Assert.True(int.Parse(Text(d, "spec.replicas")!, CultureInfo.InvariantCulture) >= 2, name + ": a part needs two holders");
            Assert.Equal("0", Text(d, "spec.strategy.rollingUpdate.maxUnavailable"));
            var antiAffinity = Items(d, "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution").Single();
            Assert.Equal("kubernetes.io/hostname", Text(antiAffinity, "topologyKey"));
            Assert.Equal(Map(d, "spec.selector.matchLabels"), Map(antiAffinity, "labelSelector.matchLabels"));
        }
    }

    [Fact]
    public void Holders_EveryPartNamesTheServiceOfEveryOtherPart_OverTls()
    {
        foreach (var d in Parts)
        {
            var own = int.Parse(Value(d, "Matcher__Split__Part"), CultureInfo.InvariantCulture);
            var env = Env(d);
            for (var p = 0; p < PartCount; p++)
            {
                if (p == own)
                {
                    Assert.False(env.ContainsKey($"Matcher__Split__Holders__{p}"), "a part does not name itself");
                    continue;
                }

                var holder = PartDeployment(p);
                var addresses = Value(d, $"Matcher__Split__Holders__{p}").Split(',');
                Assert.NotEmpty(addresses);
                foreach (var address in addresses.Select(a => new Uri(a.Trim())))
                {
                    Assert.Equal("https", address.Scheme);
                    // <service>.biometrics.svc: a Service selecting exactly part p's pods, on their gRPC port.
                    var service = s_manifests.Get("Service", address.Host.Split('.')[0]);
                    Assert.Equal("biometrics", address.Host.Split('.')[1]);
                    var selector = Map(service, "spec.selector");
                    Assert.Equal(Map(holder, "spec.selector.matchLabels"), selector);
                    var port = Items(service, "spec.ports").Single(x => Text(x, "port") == address.Port.ToString(CultureInfo.InvariantCulture));
                    Assert.Equal("grpc", Text(port, "targetPort"));
                    var labels = Map(holder, "spec.template.metadata.labels");
                    Assert.All(selector, kv => Assert.Equal(kv.Value, labels.GetValueOrDefault(kv.Key)));
                }
            }
        }
    }

    [Fact]
    public void Parts_Readiness_GrpcHealthProbeOnThePlainTextHealthPort()
    {
        foreach (var d in Parts)
        {
            var c = Container(d);
            var healthPort = Value(d, "Matcher__HealthPort");
            Assert.Equal(healthPort, Text(c, "readinessProbe.grpc.port"));
            Assert.Equal(string.Empty, Text(c, "readinessProbe.grpc.service") ?? string.Empty);
            Assert.Contains(Items(c, "ports"), p => Text(p, "name") == "health" && Text(p, "containerPort") == healthPort);
            Assert.Null(At(c, "livenessProbe.grpc"));
            Assert.Equal("https", new Uri(Value(d, "Matcher__Url")).Scheme);
        }
    }

    [Fact]
    public void Parts_Resources_HoldTheMeasuredSplitMatcherWithoutCpuLimit()
    {
        foreach (var d in Parts)
        {
            var c = Container(d);
            var request = Bytes(Text(c, "resources.requests.memory")!);
            Assert.Equal(request, Bytes(Text(c, "resources.limits.memory")!));
            Assert.True(request >= MeasuredPartBytesAtOneMillion + MeasuredPartLoadBytesAtOneMillion,
                $"memory {request >> 20} MiB: the measured {MeasuredPartBytesAtOneMillion >> 20} MiB serving and {MeasuredPartLoadBytesAtOneMillion >> 20} MiB of a reload beside it");
            Assert.Null(At(c, "resources.limits.cpu"));
        }
    }

    [Fact]
    public void PodDisruptionBudget_PerPart_AtMostOneDownAndOneLeft()
    {
        foreach (var d in Parts)
        {
            var pdb = s_manifests.Get("PodDisruptionBudget", Text(d, "metadata.name")!);
            Assert.Equal("1", Text(pdb, "spec.maxUnavailable"));
            Assert.True(int.Parse(Text(d, "spec.replicas")!, CultureInfo.InvariantCulture) - 1 >= 1);
            Assert.Equal(Map(d, "spec.selector.matchLabels"), Map(pdb, "spec.selector.matchLabels"));
        }
    }

    [Fact]
    public void PeerMutualTls_FilesInAMountedSecret_StoreKeysByReference()
    {
        foreach (var d in Parts)
        {
            var c = Container(d);
            var env = Env(d);
            var secretVolumes = Items(d, "spec.template.spec.volumes").Where(v => At(v, "secret.secretName") is not null).ToDictionary(v => Text(v, "name")!, v => Text(v, "secret.secretName")!);
            var mounts = Items(c, "volumeMounts").Where(m => secretVolumes.ContainsKey(Text(m, "name")!)).ToDictionary(m => Text(m, "mountPath")!, m => secretVolumes[Text(m, "name")!]);
            foreach (var file in new[] { "Matcher__Split__PeerCertificateFile", "Matcher__Split__PeerKeyFile", "Matcher__Split__PeerCaFile",
                "Matcher__Security__TlsCertificateFile", "Matcher__Security__TlsKeyFile", "Matcher__Security__TokenSigningKeyFile" })
            {
                var path = Value(d, file);
                Assert.Contains(mounts.Keys, m => path.StartsWith(m + "/", StringComparison.Ordinal));
            }

            Assert.Contains("matcher-peer-tls", mounts.Values);
            foreach (var name in new[] { "BIOMETRICS_PSEUDONYMISATION_KEY", "BIOMETRICS_TEMPLATE_ENCRYPTION_KEY", "Matcher__Redis__Configuration" })
            {
                Assert.False(string.IsNullOrEmpty(Text(env[name], "valueFrom.secretKeyRef.name")), name + " from a secret");
            }

            Assert.Equal("1", Value(d, "Matcher__Store__WaitForReplicas"));
        }
    }

    [Fact]
    public void Services_WholeAndSplitMatchersNeverSelectEachOther()
    {
        var whole = Map(s_manifests.Get("Deployment", "matcher"), "spec.template.metadata.labels");
        foreach (var d in Parts)
        {
            var labels = Map(d, "spec.template.metadata.labels");
            foreach (var name in new[] { "matcher", "matcher-pods" })
            {
                Assert.False(Map(s_manifests.Get("Service", name), "spec.selector").All(kv => labels.GetValueOrDefault(kv.Key) == kv.Value), $"{name} would select split pods");
            }

            var all = Map(s_manifests.Get("Service", "matcher-split-pods"), "spec.selector");
            Assert.All(all, kv => Assert.Equal(kv.Value, labels.GetValueOrDefault(kv.Key)));
            Assert.False(all.All(kv => whole.GetValueOrDefault(kv.Key) == kv.Value), "matcher-split-pods would select whole matchers");
        }
    }

    private static YamlMappingNode PartDeployment(int part) => Parts.Single(d => Value(d, "Matcher__Split__Part") == part.ToString(CultureInfo.InvariantCulture));
}
