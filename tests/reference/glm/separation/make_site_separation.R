# The limit of the maximum-likelihood fit of y ~ age + site on site_separation.csv.
# Sites 03 and 07 have no events, so their estimates diverge (quasi-complete
# separation); the other terms tend to the fit to the other sites' rows, which
# R's glm computes here. From the repository root:
#   Rscript tests/reference/glm/separation/make_site_separation.R
library(jsonlite)
here <- "tests/reference/glm/separation"
d <- read.csv(file.path(here, "site_separation.csv"), stringsAsFactors = FALSE)
d$site <- factor(d$site, levels = sort(unique(d$site), method = "radix"))
rest <- droplevels(d[!(d$site %in% c("site03", "site07")), ])
fit <- glm(y ~ age + site, family = binomial(), data = rest,
           control = glm.control(epsilon = 1e-14, maxit = 100))
s <- summary(fit)$coefficients
terms <- sub("^site", "C(site)[T.", rownames(s))
terms <- ifelse(grepl("^C\\(site\\)", terms), paste0(terms, "]"), terms)
terms[terms == "(Intercept)"] <- "Intercept"
out <- list(
  case = "site_separation",
  model = "y ~ age + C(site)",
  separated = c("C(site)[T.site03]", "C(site)[T.site07]"),
  n_other_rows = nrow(rest),
  log_likelihood = as.numeric(logLik(fit)),
  coefficients = lapply(seq_len(nrow(s)), function(i) list(
    term = terms[i], estimate = s[i, 1], std_error = s[i, 2], p_value = s[i, 4])),
  r_version = R.version.string
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = 15, pretty = TRUE),
           file.path(here, "site_separation.json"))
