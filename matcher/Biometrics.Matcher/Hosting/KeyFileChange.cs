namespace Biometrics.Matcher.Hosting;

/// <summary>One file of a development key set and what was done with it.</summary>
/// <param name="Path">The file.</param>
/// <param name="Action">Created, kept or replaced.</param>
public sealed record KeyFileChange(string Path, KeyFileAction Action);
