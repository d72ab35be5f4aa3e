enum DirectProbePlaceholder {}
