"""Association voting arrive with their own issue; the app is installed so the layout and import contracts hold."""
