App.start();
