using System.Runtime.CompilerServices;

// The rule classes the grains keep to themselves are tested directly.
[assembly: InternalsVisibleTo("Social.Rules.Tests")]
