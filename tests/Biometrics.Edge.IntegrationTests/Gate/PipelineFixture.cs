using Biometrics.Vision.Face;

namespace Biometrics.Edge.IntegrationTests.Gate;

/// <summary>The face models, loaded once for the gate tests, and a scratch folder for their videos.</summary>
public sealed class PipelineFixture : IDisposable
{
    public PipelineFixture()
    {
        Pipeline = new FacePipeline(new FacePipelineOptions { IntraOpNumThreads = 1 });
        Directory.CreateDirectory(Scratch);
    }

    public FacePipeline Pipeline { get; }

    public string Scratch { get; } = Path.Combine(Path.GetTempPath(), "biometrics-gate-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        Pipeline.Dispose();
        try
        {
            Directory.Delete(Scratch, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Gate tests share the models and run one at a time (the machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class GateCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "gate";
}
