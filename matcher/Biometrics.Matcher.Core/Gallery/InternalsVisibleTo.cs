using System.Runtime.CompilerServices;

// The kernels and heaps are internal; the unit tests check them against scalar references.
[assembly: InternalsVisibleTo("Biometrics.Matcher.Core.Tests")]
