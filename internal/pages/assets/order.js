// A guest order link carries its access token in the URL fragment
// (#token=…), which browsers never send to a server or in a Referer. This
// moves it into the page's form and out of the address bar; the customer
// then clicks "Show the order". Without scripts, the token can be pasted.
(function () {
  var m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!m) return;
  history.replaceState(null, "", location.pathname + location.search);
  var field = document.getElementById("token");
  // defaultValue sets the field and its value attribute alike.
  if (field) field.defaultValue = decodeURIComponent(m[1]);
})();
