package pages

// RuWords lets the pages' HTTP tests look for English left on a Russian page.
var RuWords = ruWords
