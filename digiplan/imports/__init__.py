"""Imports of units and people: every file is read and checked whole, then written in one
transaction or not at all. Readers turn a file into rows; planners compare rows with the
database and say what would change; apply writes exactly that plan."""
