mod pages;

fn main() {
    dashboard::start(pages::split());
}
