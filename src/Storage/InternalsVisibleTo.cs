using System.Runtime.CompilerServices;

// The storage tests drive the migrator with their own scripts and read the search SQL's plan.
[assembly: InternalsVisibleTo("Social.Storage.Tests")]
