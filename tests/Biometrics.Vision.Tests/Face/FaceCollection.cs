namespace Biometrics.Vision.Tests.Face;

/// <summary>All face tests share one <see cref="FacePipelineFixture"/> (models load once).</summary>
[CollectionDefinition(Name)]
public sealed class FaceCollection : ICollectionFixture<FacePipelineFixture>
{
    public const string Name = "face models";
}
