using Biometrics.Testing;
using Biometrics.Vision.Face;

namespace Biometrics.Edge.IntegrationTests.Gate;

/// <summary>The face models, loaded once for the gate tests, and a scratch folder for their videos.</summary>
public sealed class PipelineFixture : IDisposable
{
    private readonly TempFolder _scratch = new("biometrics-gate-tests-");

    public PipelineFixture()
    {
        Pipeline = new FacePipeline(new FacePipelineOptions { IntraOpNumThreads = 1 });
    }

    public FacePipeline Pipeline { get; }

    public string Scratch => _scratch.Path;

    public void Dispose()
    {
        Pipeline.Dispose();
        _scratch.Dispose();
    }
}

/// <summary>Gate tests share the models and run one at a time (the machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class GateCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "gate";
}
